"""The ticket list and the ticket page, where the hotline and the units work all day.

Visibility: every queryset here starts from `ticket_list_for(request.user)`, so the list, the
page, the actions, the export and the bulk dispatch agree; an id outside it is a 404.
Changes: every button opens a form whose `perform()` calls `tickets.services`.
"""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import F
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rangefilter.filters import DateRangeFilterBuilder

from geo.maps import TICKET_RELATED

from .. import permissions, queues, sweeps
from ..models import Ticket
from ..phones import phone_or_none
from ..selectors import ticket_list_for
from ..workflow import Action
from . import filters, intake_views, views
from .forms import BulkDispatchForm, BulkSuggestedDispatchForm
from .paginator import CappedCountPaginator

NUMBER = re.compile(r"\d{14,16}")


def deadline_cell(ticket, now, horizons) -> str:
    """The running deadline, marked overdue, or due soon once the reminder for it has gone out
    (`sweeps.soon_horizons`: a share of the time limit left, not a fixed 24 hours)."""
    if ticket.due_at is None:
        return "—"
    local = timezone.localtime(ticket.due_at).strftime("%m-%d %H:%M")
    if ticket.due_at < now:
        return format_html('<span class="deadline overdue">{} {}</span>', local, _("overdue"))
    horizon = horizons.get((ticket.status, ticket.urgency_id))
    if horizon is not None and ticket.due_at <= horizon:
        return format_html('<span class="deadline soon">{} {}</span>', local, _("due soon"))
    return format_html('<span class="deadline">{}</span>', local)


class SortableOnlyChangeList(ChangeList):
    """Django's `sortable_by` hides the other columns' sort links; `?o=` in a typed URL would
    still sort by them. Here it cannot."""

    def get_ordering_field(self, field_name):
        if field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "category_path",
        "place",
        "unit",
        "status",
        "urgency",
        # + the next deadline, added per request by `get_list_display`
        "supervised_mark",
    ]
    list_display_links = ["number"]
    # Only orders an index can serve (number; deadline: `ticket_due`): sorting by a joined name
    # (unit, category) sorts every matching row, 7 s over all of a million tickets
    # (bench/RESULTS.md, issue 18). Enforced for typed URLs too (`SortableOnlyChangeList`).
    sortable_by = ["number", "deadline"]
    list_select_related = [
        "category__parent__parent",
        "community",
        "street",
        "district",
        "lead_unit",
        "suggested_unit",
        "urgency",
    ]
    list_filter = [
        filters.StatusFilter,
        filters.DeadlineFilter,
        "urgency",
        filters.CategoryTreeFilter,
        filters.RegionFilter,
        filters.UnitFilter,
        "channel",
        filters.SupervisedFilter,
        filters.ReturnedFilter,
        filters.ExtensionFilter,
        filters.ReopenRequestedFilter,
        ("submitted_at", DateRangeFilterBuilder(title=_("submission date"))),
    ]
    search_fields = ["number"]  # the search itself is `get_search_results`
    search_help_text = _(
        "A ticket number, a phone number (mobile or landline), or words from the description."
    )
    show_facets = admin.ShowFacets.NEVER  # facet counts would scan the whole table
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    actions = ["dispatch_selected", "dispatch_to_suggested"]
    change_list_template = "admin/tickets/ticket/change_list.html"

    @property
    def media(self):
        # The admin's jQuery and select2 (as its autocomplete widgets load them) for the lead
        # unit filter, then the list's own style and script.
        from .forms import unit_widget

        return (
            super().media
            + unit_widget().media
            + forms.Media(css={"all": ["tickets/admin.css"]}, js=["tickets/select-filter.js"])
        )

    # -- visibility and permissions ---------------------------------------------------------

    def get_queryset(self, request):
        return ticket_list_for(request.user)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or bool(permissions.roles_of(user)))
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False  # phone intake has its own form; web tickets come from residents

    def has_change_permission(self, request, obj=None):
        return False  # no free editing: every change is a workflow action

    def has_delete_permission(self, request, obj=None):
        return False

    def has_dispatch_permission(self, request):
        return permissions.can(request.user, Ticket(), Action.DISPATCH)

    def get_changelist(self, request, **kwargs):
        return SortableOnlyChangeList

    def get_ordering(self, request):
        # Units work by deadline, and everyone works callbacks and extension requests by
        # deadline; otherwise the hotline centre works by arrival.
        if queues.works_by_deadline(request.GET) or (
            not request.user.is_superuser and not permissions.hotline_roles(request.user)
        ):
            return [F("due_at").asc(nulls_last=True), "-pk"]
        return ["-submitted_at", "-pk"]

    # -- columns -----------------------------------------------------------------------------

    @admin.display(description=_("category"), ordering="category__code")
    def category_path(self, obj):
        """The top level and the leaf (the full path on hover): short enough to scan."""
        nodes = obj.category.path_nodes()
        if len(nodes) < 3:
            return obj.category.path
        return format_html(
            '<span title="{}">{} › {}</span>', obj.category.path, nodes[0].name, nodes[-1].name
        )

    @admin.display(description=_("place"))
    def place(self, obj):
        region = obj.community or obj.street or obj.district
        return region.display_name if region else "—"

    @admin.display(description=_("lead unit"), ordering="lead_unit__name")
    def unit(self, obj):
        """The lead unit; before dispatch, the catalogue's suggestion, marked as such."""
        if obj.lead_unit_id:
            return obj.lead_unit.display_name
        if obj.suggested_unit_id:
            return format_html(
                '<span class="suggested" title="{}">{}</span>',
                _("suggested by the dispatch catalogue"),
                _("%(unit)s (suggested)") % {"unit": obj.suggested_unit.display_name},
            )
        return "—"

    @admin.display(description=_("supervised"), ordering="supervised", empty_value="")
    def supervised_mark(self, obj):
        """Only the supervised are marked: an empty cell is the normal case, not an error."""
        if not obj.supervised:
            return ""
        return format_html('<span class="supervised-mark">{}</span>', _("supervised"))

    def get_list_display(self, request):
        """The deadline column knows, for this request, when a deadline counts as due soon."""
        now = timezone.now()
        horizons = sweeps.soon_horizons(now)

        @admin.display(description=_("next deadline"), ordering="due_at")
        def deadline(obj):
            return deadline_cell(obj, now, horizons)

        columns = list(self.list_display)
        columns.insert(columns.index("supervised_mark"), deadline)
        return columns

    # -- search ------------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if NUMBER.fullmatch(term):
            return queryset.filter(number=term), False
        phone = phone_or_none(term)
        if phone is None:  # not a contact number: search the description
            return queryset.filter(description__icontains=term), False
        return queryset.filter(citizen__phone=phone), False

    # -- pages -------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("intake/", wrap(intake_views.intake_view(self)), name=f"{prefix}_intake"),
            path(
                "intake/history/",
                wrap(intake_views.intake_history_view(self)),
                name=f"{prefix}_intake_history",
            ),
            path(
                "intake/find/",
                wrap(intake_views.intake_find_view(self)),
                name=f"{prefix}_intake_find",
            ),
            path("export.csv", wrap(views.export_view(self)), name=f"{prefix}_export"),
            path(
                "<path:object_id>/act/<slug:action>/",
                wrap(views.action_view(self)),
                name=f"{prefix}_act",
            ),
            path(
                "<path:object_id>/reveal/",
                wrap(views.reveal_view(self)),
                name=f"{prefix}_reveal",
            ),
            path(
                "<path:object_id>/publication/",
                wrap(views.publication_view(self)),
                name=f"{prefix}_publication",
            ),
            path(
                "<path:object_id>/attachment/<int:attachment_id>/",
                wrap(views.attachment_view(self)),
                name=f"{prefix}_attachment",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.ticket_page(self, request, object_id)

    def scoped_ticket(self, request, object_id) -> Ticket:
        """The ticket if the user may see it, else 404 (not a redirect that confirms it exists)."""
        if not str(object_id).isdigit():
            raise Http404
        ticket = (
            self.get_queryset(request)
            .select_related(
                "category__parent__parent",
                "urgency",
                "region__parent__parent",
                "district",
                "street",
                "community",
                "lead_unit",
                "suggested_unit",
                "duplicate_of",
                "publication_decided_by",
                *TICKET_RELATED,  # the place's outline for the ticket page's map
            )
            .filter(pk=int(object_id))
            .first()
        )
        if ticket is None:
            raise Http404
        return ticket

    def changelist_view(self, request, extra_context=None):
        user = request.user
        extra_context = {
            **(extra_context or {}),
            "can_intake": permissions.can(user, Ticket(), Action.PHONE_INTAKE),
            "export_url": reverse("admin:tickets_ticket_export"),
            "count_cap": CappedCountPaginator.cap,
        }
        return super().changelist_view(request, extra_context)

    # -- bulk --------------------------------------------------------------------------------

    @admin.action(description=_("Dispatch selected tickets to one unit"), permissions=["dispatch"])
    def dispatch_selected(self, request, queryset):
        return views.bulk_dispatch(self, request, queryset, BulkDispatchForm)

    @admin.action(
        description=_("Dispatch selected tickets to their suggested units"),
        permissions=["dispatch"],
    )
    def dispatch_to_suggested(self, request, queryset):
        return views.bulk_dispatch(
            self, request, queryset, BulkSuggestedDispatchForm, suggested=True
        )
