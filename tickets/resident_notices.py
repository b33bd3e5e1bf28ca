"""The resident's notices, written to the outbox in the transaction of the change that causes them.

Residents hear about: the submission itself (web, app, API, Open311: number, access code and what
happens next), acceptance (number and access code; a phone ticket is accepted at intake),
dispatch, an approved extension, the reply (with the link to rate it), the result of the
callback a callback operator recorded (with the way to ask for reopening), a reopening, and a
consultation answered directly (with the public link of the knowledge-base article cited). Each
goes by SMS when the contact number is a mobile (a landline caller gets none) and by e-mail when an
address was given.

A dispatch after a return says plainly that the demand now goes to another unit, naming it. A
notice whose text would repeat, word for word, the last one the resident got on the same
channel is not written (e.g. a second dispatch to the same unit within the minute): the rule lives
here, where notices are written under the ticket's row lock, so two changes cannot both miss
each other.

Invariants: nothing for an anonymous ticket; the services call `write` inside their transaction,
right after the event, so a notice exists exactly when its event does (a transactional outbox:
nothing is re-read after commit, nothing is lost between commit and a receiver); its delivery is
enqueued only once that transaction commits (`outbox.add`), and the relay catches up a delivery
the broker lost. A notice's key is (ticket, kind, channel, the event's time): the database refuses
a second row for one event.
"""

from django.conf import settings
from django.utils import translation

from . import notice_texts, outbox
from .models import Assignment, Notification, Ticket, TicketEvent
from .phones import is_mobile
from .workflow import Action

Kind = Notification.Kind
Channel = Notification.Channel

KIND_FOR_ACTION = {
    Action.SUBMIT: Kind.SUBMITTED,
    Action.PHONE_INTAKE: Kind.ACCEPTED,
    Action.ACCEPT: Kind.ACCEPTED,
    Action.DISPATCH: Kind.DISPATCHED,
    Action.DECIDE_EXTENSION: Kind.EXTENDED,
    Action.REPLY: Kind.REPLIED,
    Action.REOPEN: Kind.REOPENED,
    Action.RECORD_CALLBACK: Kind.CALLED_BACK,
    Action.ANSWER_DIRECTLY: Kind.ANSWERED,
}


def write(ticket: Ticket, action: Action, event: TicketEvent) -> list[int]:
    """Write the resident's notices for `event` (just recorded by `action` on `ticket`, in the
    caller's transaction); returns the ids of the new rows."""
    kind = KIND_FOR_ACTION.get(action)
    if kind is None or ticket.anonymous:
        return []
    if kind == Kind.EXTENDED and not event.data.get("approved"):
        return []
    if kind == Kind.CALLED_BACK and (event.actor_id is None or not event.data.get("valid")):
        return []  # the resident rated it on the site themselves, or could not be reached
    channels = [
        channel
        for channel, address in (
            # a landline gets no text message: an e-mail, if given, or the tracking page
            (Channel.SMS, ticket.contact_phone if is_mobile(ticket.contact_phone) else ""),
            (Channel.EMAIL, ticket.contact_email),
        )
        if address
    ]
    if not channels:
        return []
    data = _facts(ticket, kind, event)
    language = _language(ticket, kind)
    rows = [
        Notification(
            ticket=ticket,
            kind=kind,
            recipient=None,
            channel=channel,
            deadline=event.created_at,
            language=language,
            data=data,
        )
        for channel in channels
    ]
    return outbox.add(_not_repeating(ticket, rows))


def _not_repeating(ticket: Ticket, rows: list[Notification]) -> list[Notification]:
    """`rows` without those that would say exactly what the resident's last notice on the same
    channel said (one query for the last notices; a submission has none before it)."""
    if not rows or rows[0].kind == Kind.SUBMITTED:
        return rows
    last: dict[str, Notification] = {}
    for notice in Notification.objects.filter(ticket=ticket, recipient__isnull=True).order_by(
        "-pk"
    )[:10]:
        notice.ticket = ticket
        last.setdefault(notice.channel, notice)
    return [
        row
        for row in rows
        if row.channel not in last
        or last[row.channel].kind != row.kind
        or notice_texts.render(last[row.channel]) != notice_texts.render(row)
    ]


def _facts(ticket: Ticket, kind: Kind, event: TicketEvent) -> dict:
    """What the message states, as it was at the event (no personal data)."""
    facts: dict = {"event": event.pk}
    if kind == Kind.SUBMITTED and ticket.accept_due_at:
        facts["due"] = ticket.accept_due_at.isoformat()
    if kind in (Kind.DISPATCHED, Kind.REPLIED) and ticket.lead_unit:
        facts["unit"] = ticket.lead_unit.name
        facts["unit_en"] = ticket.lead_unit.name_en
    if kind == Kind.DISPATCHED and _returned_this_round(ticket):
        facts["redispatch"] = True
    if kind == Kind.DISPATCHED and ticket.reply_due_at:
        facts["due"] = ticket.reply_due_at.isoformat()
    if kind == Kind.EXTENDED:
        facts["due"] = event.data.get("reply_due_at", "")
    if kind == Kind.CALLED_BACK:
        facts["solved"] = bool(event.data.get("solved"))
    if kind == Kind.ANSWERED and event.data.get("article_url"):
        facts["article_url"] = event.data["article_url"]  # the public article's path
    return facts


def _returned_this_round(ticket: Ticket) -> bool:
    """A unit sent the ticket back since it was last (re)opened: this dispatch replaces one the
    resident was told about."""
    return Assignment.objects.filter(
        ticket=ticket,
        round=ticket.round,
        role=Assignment.Role.LEAD,
        returned_at__isnull=False,
    ).exists()


def _language(ticket: Ticket, kind: Kind) -> str:
    """The resident's language: the one they submitted in (the request's, for their own
    submission), else the site's default."""
    if kind == Kind.SUBMITTED:
        return translation.get_language() or settings.LANGUAGE_CODE
    first = (
        Notification.objects.filter(ticket=ticket, kind=Kind.SUBMITTED, recipient__isnull=True)
        .values_list("language", flat=True)
        .first()
    )
    return first or settings.LANGUAGE_CODE
