"""Managing API clients and staff tokens. A new or rotated key is shown once, in a message."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import CLIENT_ACTIONS, ApiClient, StaffToken, Submission


class ApiClientForm(forms.ModelForm):
    allowed_actions = forms.MultipleChoiceField(
        label=_("allowed actions"),
        choices=CLIENT_ACTIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "allowed_actions", "rate_limit", "contact", "contact_email"]


def _show_key(request, owner, key):
    messages.warning(
        request,
        _(
            "The key for “%(owner)s” is %(key)s — copy it now: it is stored only as a digest "
            "and cannot be shown again."
        )
        % {"owner": owner, "key": key},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "key_prefix", "rate_limit", "is_active", "created_at", "revoked_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix", "contact"]
    readonly_fields = ["key_prefix", "user", "is_active", "created_at", "revoked_at"]
    actions = ["revoke", "reinstate", "rotate_key"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = services.api_client_create(
            name=form.cleaned_data["name"],
            allowed_actions=form.cleaned_data["allowed_actions"],
            rate_limit=form.cleaned_data["rate_limit"],
            contact=form.cleaned_data.get("contact", ""),
            contact_email=form.cleaned_data.get("contact_email", ""),
        )
        obj.pk, obj.user_id = client.pk, client.user_id
        obj._state.adding = False
        _show_key(request, client.name, key)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the tickets it submitted keep pointing at it

    @admin.action(description=_("Revoke the selected clients' keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.api_client_revoke(client=client)
        count = queryset.count()
        self.message_user(
            request, ngettext("%d client revoked.", "%d clients revoked.", count) % count
        )

    @admin.action(description=_("Reinstate the selected clients"))
    def reinstate(self, request, queryset):
        for client in queryset:
            services.api_client_reinstate(client=client)

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def rotate_key(self, request, queryset):
        for client in queryset:
            _show_key(request, client.name, services.api_client_rotate_key(client=client))


class StaffTokenForm(forms.ModelForm):
    class Meta:
        model = StaffToken
        fields = ["user", "name", "expires_at"]


@admin.register(StaffToken)
class StaffTokenAdmin(admin.ModelAdmin):
    form = StaffTokenForm
    list_display = ["user", "name", "key_prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "key_prefix"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["key_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = services.staff_token_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = token.pk
        obj._state.adding = False
        _show_key(request, token.user, key)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.staff_token_revoke(token=token)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["ticket", "client", "channel", "external_id", "created_at"]
    list_filter = ["channel", "client"]
    list_select_related = ["ticket", "client"]
    search_fields = ["ticket__number", "=external_id"]
    readonly_fields = [
        "ticket",
        "client",
        "channel",
        "external_id",
        "media_url",
        "device_id",
        "account_id",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
