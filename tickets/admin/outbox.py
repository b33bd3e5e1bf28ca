"""Admin for the notification outbox (supervisors) and each staff member's "my reminders".

Rows are written only by the sweeps and the resident's notices; here they are read, and failed
ones are put back in the queue. Residents' numbers and addresses are shown masked.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from departments.models import Membership

from .. import outbox, permissions
from ..models import Notification, Reminder
from ..privacy import mask_phone
from .reference import ReadOnlyMixin


def _is_supervisor(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or Membership.Role.SUPERVISOR in permissions.hotline_roles(user)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "ticket",
        "kind",
        "addressee",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "channel", "kind"]
    list_select_related = ["ticket", "recipient"]
    search_fields = ["=ticket__number"]
    show_full_result_count = False
    fields = [
        "ticket_number",
        "kind",
        "addressee",
        "channel",
        "deadline",
        "status",
        "language",
        "data",
        "digest",
        "created_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["retry_failed"]

    def has_module_permission(self, request):
        return _is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_supervisor(request.user)

    def has_retry_permission(self, request):
        return _is_supervisor(request.user)

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj):
        return obj.ticket.number if obj.ticket_id else "—"

    @admin.display(description=_("to"))
    def addressee(self, obj):
        if obj.recipient_id:
            return obj.recipient.get_username()
        if obj.channel == Notification.Channel.SMS:
            return _("resident, %(phone)s") % {"phone": mask_phone(obj.ticket.contact_phone)}
        return _("resident, e-mail")

    @admin.display(description=_("last error"))
    def error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry the selected failed notifications"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = outbox.retry(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed notification is queued again.",
                "%(count)d failed notifications are queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every staff member sees the notices addressed to them, newest first."""

    list_display = ["created_at", "ticket_link", "kind", "deadline", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["ticket", "article"]
    show_full_result_count = False
    fields = ["ticket_link", "kind", "deadline", "channel", "status", "created_at", "sent_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        mine = super().get_queryset(request).filter(recipient=request.user)
        return mine.exclude(kind=Notification.Kind.DIGEST)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        allowed = request.user.is_active and request.user.is_staff
        return allowed and (obj is None or obj.recipient_id == request.user.pk)

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_link(self, obj):
        if obj.ticket_id is None and obj.article_id:  # a knowledge-base article's notice
            url = reverse("admin:knowledge_article_change", args=[obj.article_id])
            return format_html('<a href="{}">{}</a>', url, obj.article.title)
        url = reverse("admin:tickets_ticket_change", args=[obj.ticket_id])
        return format_html('<a href="{}">{}</a>', url, obj.ticket.number)
