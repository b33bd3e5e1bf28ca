"""Articles in the admin. Every save goes through `knowledge.services` (an edit, then the
workflow button pressed, if any: one transaction, one version each); nothing is deleted.

Scope (`knowledge.selectors.article_list_for`): the hotline centre sees and writes every
article, a unit's staff those of their unit and the units under it; another unit's article id
in the URL is a 404. Reviewing buttons (publish, return, withdraw) and corrections of published
articles are for reviewers (`knowledge.permissions`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from tickets.exceptions import NotPermitted

from .. import permissions, rendering, selectors, services, workflow
from ..models import Article, ArticleVersion
from ..workflow import Action, Status
from .picker import pick_view

CONTENT = [
    "title",
    "body",
    "keywords",
    "categories",
    "regions",
    "owner",
    "audience",
    "effective_from",
    "valid_until",
]
WORKFLOW_PREFIX = "_workflow_"


def requested_action(data) -> Action | None:
    """The workflow button pressed, from the POSTed data."""
    for action in workflow.WORKFLOW_ACTIONS:
        if f"{WORKFLOW_PREFIX}{action.value}" in data:
            return action
    return None


class ArticleForm(forms.ModelForm):
    change_note = forms.CharField(
        label=_("note on this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the version; required when returning or withdrawing."),
    )
    user = None  # set per request by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = CONTENT

    def clean(self):
        data = super().clean()
        action = requested_action(self.data)
        if action is None or self.instance.pk is None:
            if action not in (None, Action.SUBMIT):
                raise ValidationError(_("Save the draft first."))
            return data
        try:
            workflow.target(self.instance.status, action)
        except workflow.TransitionNotAllowed as error:
            raise ValidationError(str(error)) from None
        if not permissions.can(self.user, self.instance, action):
            raise ValidationError(
                _("You may not “%(action)s” this article.") % {"action": action.label}
            )
        if action in (Action.RETURN, Action.WITHDRAW) and not data.get("change_note", "").strip():
            self.add_error("change_note", _("Say why, for the unit that wrote it."))
        return data


class ExpiredFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("expired", _("expired")), ("current", _("in effect or not yet"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        if self.value() == "current":
            return queryset.exclude(valid_until__lt=today)
        return queryset


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "number",
        "action",
        "status",
        "changed_fields",
        "note",
        "changed_by_name",
        "changed_at",
    ]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = _("versions (who changed what, when)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    change_form_template = "admin/knowledge/article/change_form.html"
    list_display = [
        "title",
        "owner",
        "status",
        "audience",
        "validity",
        "usage_count",
        "updated_at",
    ]
    list_filter = ["status", "audience", ExpiredFilter]
    list_select_related = ["owner"]
    search_fields = ["title", "keywords"]
    autocomplete_fields = ["categories", "regions"]
    inlines = [ArticleVersionInline]
    show_full_result_count = False
    readonly_fields = ["status", "version", "usage_count", "published_at", "updated_at", "preview"]
    fieldsets = [
        (None, {"fields": ["title", "body", "keywords"]}),
        (_("Who it answers"), {"fields": ["categories", "regions", "audience", "owner"]}),
        (_("Validity"), {"fields": ["effective_from", "valid_until"]}),
        (_("Change"), {"fields": ["change_note"]}),
        (
            _("State"),
            {"fields": ["status", "version", "usage_count", "published_at", "updated_at"]},
        ),
        (_("Preview"), {"fields": ["preview"]}),
    ]

    def get_urls(self):
        pick = path(
            "pick/",
            self.admin_site.admin_view(pick_view),
            name="knowledge_article_pick",
        )
        return [pick, *super().get_urls()]

    def get_queryset(self, request):
        return selectors.article_list_for(request.user).select_related("owner")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [fs for fs in self.fieldsets if fs[0] not in (_("State"), _("Preview"))]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and not permissions.can(request.user, obj, Action.EDIT):
            fields += CONTENT  # withdrawn, or published and the user is no reviewer
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            units = permissions.writable_unit_ids(request.user)
            queryset = Department.objects.filter(is_active=True).order_by("kind", "name")
            kwargs["queryset"] = queryset if units is None else queryset.filter(pk__in=units)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_write(request.user, obj.owner_id))

    def has_delete_permission(self, request, obj=None):
        return False  # articles are withdrawn, never deleted: their versions and uses stay

    @admin.display(description=_("valid until"), ordering="valid_until")
    def validity(self, obj):
        if obj.valid_until is None:
            return "—"
        if obj.expired():
            return format_html(
                '<strong class="article-expired">{} · {}</strong>', obj.valid_until, _("expired")
            )
        return obj.valid_until

    @admin.display(description=_("as residents read it"))
    def preview(self, obj):
        return format_html('<div class="article-preview">{}</div>', rendering.to_html(obj.body))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        buttons = []
        if obj is not None:
            for action in workflow.allowed(obj.status):
                if permissions.can(request.user, obj, action):
                    buttons.append((f"{WORKFLOW_PREFIX}{action.value}", action.label))
        elif self.has_add_permission(request):
            buttons.append(
                (f"{WORKFLOW_PREFIX}{Action.SUBMIT.value}", _("save and submit for review"))
            )
        context["workflow_buttons"] = buttons
        context["public_url"] = (
            obj.get_public_url() if obj and obj.status == Status.PUBLISHED else None
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in CONTENT if f in form.cleaned_data}
        note = form.cleaned_data.get("change_note", "")
        if change:
            article = services.article_update(
                article_id=obj.pk, actor=request.user, note=note, **data
            )
        else:
            article = services.article_create(actor=request.user, note=note, **data)
        action = requested_action(request.POST)
        if action is not None:
            article = services.article_transition(
                article_id=article.pk, actor=request.user, action=action, note=note
            )
        obj.pk, obj.status, obj.version = article.pk, article.status, article.version
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # the categories and places were saved by the service
            self.save_formset(request, form, formset, change=change)

    def response_change(self, request, obj):
        if requested_action(request.POST) is not None:
            self.message_user(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": obj.title, "status": obj.get_status_display()},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:knowledge_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (NotPermitted, workflow.TransitionNotAllowed) as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    """Each version as it was: read-only, within the same scope as the articles."""

    list_display = ["article", "number", "action", "status", "changed_by_name", "changed_at"]
    list_select_related = ["article"]
    list_filter = ["action"]
    search_fields = ["title"]
    fields = [
        "article",
        "number",
        "action",
        "status",
        "title",
        "body",
        "keywords",
        "categories",
        "regions",
        "owner",
        "audience",
        "effective_from",
        "valid_until",
        "changed_fields",
        "note",
        "changed_by_name",
        "changed_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        scope = selectors.article_list_for(request.user).values("pk")
        return super().get_queryset(request).filter(article__in=scope)

    def has_module_permission(self, request):
        return False  # reached from its article's page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
