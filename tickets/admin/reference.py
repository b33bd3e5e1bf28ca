"""Admin for the taxonomy, urgency classes and the rows that hang off a ticket.

Those rows (events, assignments, extensions, callbacks, attachments) are written only by
`tickets.services`: here they are read-only and scoped like their ticket.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assignment,
    Attachment,
    Callback,
    Category,
    CategoryAttribute,
    Extension,
    TicketEvent,
    UrgencyClass,
)
from ..selectors import ticket_list_for


class ReadOnlyMixin:
    """Rows written only by the services: staff may look, never add, edit or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UrgencyClass)
class UrgencyClassAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "accept_limit",
        "dispatch_limit",
        "response_limit",
        "reply_limit",
        "callback_limit",
        "return_window",
        "working_days",
        "warn_share",
    ]
    list_editable = ["working_days"]


class CategoryAttributeInline(admin.StackedInline):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    inlines = [CategoryAttributeInline]
    list_display = ["code", "name", "name_en", "level", "parent", "urgency", "is_active"]
    list_filter = ["level", "urgency", "is_active"]
    search_fields = ["code", "name", "name_en", "keywords"]
    list_select_related = ["parent__parent", "urgency"]
    autocomplete_fields = ["parent"]


class ScopedTicketChildAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows that hang off a ticket: visible only where the ticket is."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=ticket_list_for(request.user))


@admin.register(TicketEvent)
class TicketEventAdmin(ScopedTicketChildAdmin):
    list_display = [
        "ticket",
        "created_at",
        "action",
        "from_status",
        "to_status",
        "unit",
        "actor_name",
    ]
    list_filter = ["action", "public"]
    list_select_related = ["ticket", "unit"]
    search_fields = ["=ticket__number"]
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(ScopedTicketChildAdmin):
    list_display = [
        "ticket",
        "unit",
        "role",
        "active",
        "dispatched_at",
        "reply_due_at",
        "returned_at",
    ]
    list_filter = ["role", "active"]
    list_select_related = ["ticket", "unit"]
    search_fields = ["=ticket__number", "unit__name"]
    show_full_result_count = False


@admin.register(Extension)
class ExtensionAdmin(ScopedTicketChildAdmin):
    list_display = ["ticket", "decision", "requested_at", "requested_reply_due_at", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__number"]


@admin.register(Callback)
class CallbackAdmin(ScopedTicketChildAdmin):
    list_display = ["ticket", "unit", "recorded_at", "valid", "contacted", "solved", "satisfaction"]
    list_filter = ["valid", "satisfaction", "source"]
    list_select_related = ["ticket", "unit"]
    search_fields = ["=ticket__number"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ScopedTicketChildAdmin):
    list_display = [
        "ticket",
        "original_name",
        "content_type",
        "size",
        "public",
        "published",
        "created_at",
    ]
    list_filter = ["public", "published"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__number"]
    # The file field's own link would point at MEDIA_URL, which is never served.
    exclude = ["file"]
    readonly_fields = ["download", "published"]

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:tickets_ticket_attachment", args=[obj.ticket_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or _("photo"))
