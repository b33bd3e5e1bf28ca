"""Admin registration of the ticket models.

Tickets are read here; every change of their state goes through `tickets.services` (the staff
workflow screens call those functions). The trajectory is read-only everywhere.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Assignment,
    Attachment,
    Callback,
    Category,
    CategoryAttribute,
    Extension,
    Ticket,
    TicketEvent,
    UrgencyClass,
)
from .privacy import mask_name, mask_phone
from .selectors import ticket_list_for


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
    list_display = ["code", "name", "level", "parent", "urgency", "is_active"]
    list_filter = ["level", "urgency", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent__parent", "urgency"]
    autocomplete_fields = ["parent"]


class ScopedTicketChildAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows that hang off a ticket: visible only where the ticket is."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=ticket_list_for(request.user))


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketEvent
    fields = [
        "created_at",
        "action",
        "from_status",
        "to_status",
        "unit",
        "actor_name",
        "note",
        "public",
    ]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Assignment
    fields = [
        "unit",
        "role",
        "round",
        "active",
        "dispatched_at",
        "response_due_at",
        "reply_due_at",
        "contacted_at",
        "returned_at",
        "return_reason",
        "replied_at",
    ]
    readonly_fields = fields
    extra = 0


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    fields = ["file", "content_type", "size", "width", "height", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "category",
        "district",
        "lead_unit",
        "status",
        "urgency",
        "due_at",
        "supervised",
    ]
    list_filter = ["status", "urgency", "channel", "kind", "supervised"]
    list_select_related = ["category__parent__parent", "district", "lead_unit", "urgency"]
    search_fields = ["=number"]
    show_full_result_count = False
    readonly_fields = ["resident"]
    exclude = ["contact_name", "contact_phone", "contact_email", "citizen", "access_code"]
    inlines = [AssignmentInline, AttachmentInline, EventInline]

    def get_queryset(self, request):
        return ticket_list_for(request.user)

    @admin.display(description=_("resident"))
    def resident(self, obj):
        if obj.anonymous:
            return _("anonymous")
        return f"{mask_name(obj.contact_name)} {mask_phone(obj.contact_phone)}"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


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
    list_display = ["ticket", "original_name", "content_type", "size", "created_at"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__number"]


from . import admin_outbox  # noqa: E402, F401  (issue 6: the notification outbox, my reminders)
