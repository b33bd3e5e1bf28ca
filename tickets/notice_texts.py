"""What each notification says: texts rendered from templates/notifications/, in its language.

Invariants:
- the resident's SMS carries only their own ticket's number, access code, the handling unit's
  name, deadlines and links: no free text (description, reply, notes), no staff or other
  residents' names or numbers;
- staff messages name the ticket and its deadline, never the resident's contact details;
- times are shown in Asia/Shanghai.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from departments.names import in_language

from .models import Notification, TicketEvent

Kind = Notification.Kind

STAFF_HEADLINES = {
    Kind.ACCEPT_SOON: _("Ticket %(number)s must be accepted by %(deadline)s."),
    Kind.ACCEPT_OVERDUE: _("Ticket %(number)s was due to be accepted by %(deadline)s."),
    Kind.DISPATCH_SOON: _("Ticket %(number)s must be dispatched by %(deadline)s."),
    Kind.DISPATCH_OVERDUE: _("Ticket %(number)s was due to be dispatched by %(deadline)s."),
    Kind.RESPONSE_SOON: _(
        "Your unit must contact the resident of ticket %(number)s by %(deadline)s."
    ),
    Kind.RESPONSE_OVERDUE: _(
        "Your unit was due to contact the resident of ticket %(number)s by %(deadline)s."
    ),
    Kind.REPLY_SOON: _("Ticket %(number)s must be replied to by %(deadline)s."),
    Kind.REPLY_DUE: _("The reply to ticket %(number)s was due at %(deadline)s."),
    Kind.REPLY_OVERDUE: _(
        "Ticket %(number)s is overdue: %(unit)s has not replied since %(deadline)s."
    ),
    Kind.EXTENSION_PENDING: _(
        "%(unit)s asks for more time on ticket %(number)s; the request waits for a decision."
    ),
    Kind.RETURN_PENDING: _(
        "Ticket %(number)s was returned by its unit and must be dispatched again by %(deadline)s."
    ),
    Kind.CALLBACK_DUE: _("Ticket %(number)s must be called back by %(deadline)s."),
    Kind.CALLBACK_OVERDUE: _("The callback of ticket %(number)s was due by %(deadline)s."),
}
RESIDENT_KINDS = frozenset(
    {
        Kind.SUBMITTED,
        Kind.ACCEPTED,
        Kind.DISPATCHED,
        Kind.EXTENDED,
        Kind.REPLIED,
        Kind.CALLED_BACK,
        Kind.REOPENED,
        Kind.ANSWERED,
    }
)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def when(moment: datetime | str | None) -> str:
    """A moment as the reader sees it: local Beijing time, to the minute, in the format of the
    message's language ("2026-11-26 15:30", "26 Nov 2026, 15:30")."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def site_url(path: str) -> str:
    return f"{settings.PORTAL_SITE_URL}{path}"


def track_url(number: str) -> str:
    """The public tracking page of a ticket, where the resident reads the reply and rates it."""
    return site_url(f"/track/?{urlencode({'number': number})}")


def render(notification: Notification, *, items=()) -> Text:
    """The subject (e-mail only) and body of `notification`; `items` for a digest."""
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        if notification.kind == Kind.DIGEST:
            return _digest(notification, items)
        if notification.kind == Kind.ARTICLE_EXPIRED:
            return _article(notification)
        if notification.kind in RESIDENT_KINDS:
            return _resident(notification)
        return _staff(notification)


def _resident(notification: Notification) -> Text:
    ticket = notification.ticket
    data = notification.data
    context = {
        "kind": notification.kind,
        "number": ticket.number,
        "access_code": ticket.access_code,
        "track_url": track_url(ticket.number),
        "unit": in_language(data.get("unit", ""), data.get("unit_en", "")),
        "redispatch": data.get("redispatch", False),
        "due": when(data.get("due")),
        "solved": data.get("solved"),
        "article_url": site_url(data["article_url"]) if data.get("article_url") else "",
    }
    sms = render_to_string(f"notifications/sms/{notification.kind}.txt", context).strip()
    if notification.channel == Notification.Channel.SMS:
        return Text(subject="", body=sms)
    reply = ""
    if notification.kind in (Kind.REPLIED, Kind.ANSWERED) and data.get("event"):
        reply = (
            TicketEvent.objects.filter(pk=data["event"], public=True)
            .values_list("note", flat=True)
            .first()
        ) or ""
    context.update(sms=sms, reply=reply, kind_label=notification.get_kind_display())
    return Text(
        subject=render_to_string("notifications/email/resident_subject.txt", context).strip(),
        body=render_to_string("notifications/email/resident_body.txt", context),
    )


def headline(notification: Notification) -> str:
    ticket = notification.ticket
    return STAFF_HEADLINES[notification.kind] % {
        "number": ticket.number,
        "deadline": when(notification.data.get("since") or notification.deadline),
        "unit": notification.data.get("unit")
        or (ticket.lead_unit.display_name if ticket.lead_unit else ""),
    }


def _staff(notification: Notification) -> Text:
    ticket = notification.ticket
    context = {
        "kind_label": notification.get_kind_display(),
        "number": ticket.number,
        "headline": headline(notification),
        "status": ticket.get_status_display(),
        "category": ticket.category.display_name,
        "unit": ticket.lead_unit.display_name if ticket.lead_unit else "",
        "deadline": when(notification.deadline),
        "admin_url": site_url(reverse("admin:tickets_ticket_change", args=[ticket.pk])),
        "reminders_url": site_url(reverse("admin:tickets_reminder_changelist")),
    }
    return Text(
        subject=render_to_string("notifications/email/staff_subject.txt", context).strip(),
        body=render_to_string("notifications/email/staff_body.txt", context),
    )


def _article(notification: Notification) -> Text:
    """A knowledge-base article of the recipient's unit is past its last valid day."""
    article = notification.article
    context = {
        "title": article.title,
        "unit": article.owner.name,
        "valid_until": date_format(article.valid_until, "Y-m-d") if article.valid_until else "",
        "admin_url": site_url(reverse("admin:knowledge_article_change", args=[article.pk])),
        "reminders_url": site_url(reverse("admin:tickets_reminder_changelist")),
    }
    return Text(
        subject=render_to_string("notifications/email/article_subject.txt", context).strip(),
        body=render_to_string("notifications/email/article_body.txt", context),
    )


def _digest(notification: Notification, items) -> Text:
    context = {
        "day": date_format(timezone.localtime(notification.deadline), "Y-m-d"),
        "items": [
            {
                "headline": headline(item),
                "url": site_url(reverse("admin:tickets_ticket_change", args=[item.ticket_id])),
            }
            for item in items
        ],
        "reminders_url": site_url(reverse("admin:tickets_reminder_changelist")),
    }
    return Text(
        subject=render_to_string("notifications/email/digest_subject.txt", context).strip(),
        body=render_to_string("notifications/email/digest_body.txt", context),
    )
