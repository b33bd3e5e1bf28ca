"""What the tracking page shows of a ticket: its public trajectory and its deadlines. Pure: the
caller loads the ticket (with its units) and its public events; nothing here queries.

Only resident-facing facts leave this module: unit names, times, the reply, the resident's own
words. Staff names (`TicketEvent.actor_name`) and internal notes never do.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tickets.models import Callback, Channel, Outcome
from tickets.workflow import Action, Status

# Events whose note is written for the resident (or by the resident) and so is shown.
NOTE_SHOWN = frozenset(
    {
        Action.ANSWER_DIRECTLY,
        Action.CLOSE_AT_INTAKE,
        Action.DECIDE_EXTENSION,
        Action.REPLY,
        Action.RECORD_CALLBACK,
        Action.REQUEST_REOPEN,
        Action.REOPEN,
    }
)


@dataclass(frozen=True)
class Step:
    at: datetime
    title: str
    unit: str
    text: str
    action: str
    link: str = ""  # a page for the resident: the knowledge-base article an answer cites


@dataclass(frozen=True)
class Deadline:
    label: str
    due: datetime
    done: datetime | None
    state: str  # met, late, open, overdue, skipped

    @property
    def state_label(self) -> str:
        return {
            "met": _("met"),
            "late": _("missed"),
            "open": _("running"),
            "overdue": _("overdue"),
            "skipped": _("not needed"),
        }[self.state]


def _when(value: str) -> str:
    moment = parse_datetime(value or "")
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _title(event) -> str:
    unit = event.unit.display_name if event.unit_id else _("the handling unit")
    data = event.data or {}
    match event.action:
        case Action.SUBMIT:
            channel = Channel(data["channel"]).label if data.get("channel") in Channel else ""
            return _("Received (%(channel)s)") % {"channel": channel} if channel else _("Received")
        case Action.PHONE_INTAKE:
            return _("Recorded from your call and accepted")
        case Action.ACCEPT:
            return _("Accepted by the hotline")
        case Action.ANSWER_DIRECTLY:
            if data.get("article_title"):
                return _("Answered by the hotline with the article “%(title)s”") % {
                    "title": data["article_title"]
                }
            return _("Answered by the hotline")
        case Action.CLOSE_AT_INTAKE:
            if data.get("outcome") == Outcome.DUPLICATE:
                return _("Closed: the same problem is handled under ticket %(number)s") % {
                    "number": data.get("duplicate_of", "")
                }
            if data.get("outcome") == Outcome.REFERRED:
                return _("Referred to %(where)s") % {"where": data.get("referred_to", "")}
            return _("Closed: not a demand the hotline can handle")
        case Action.DISPATCH:
            return _("Sent to %(unit)s to handle") % {"unit": unit}
        case Action.SIGN_AND_CONTACT:
            return _("%(unit)s took it on and contacted you") % {"unit": unit}
        case Action.DECIDE_EXTENSION:
            return _("More time granted: the reply is now due by %(due)s") % {
                "due": _when(data.get("reply_due_at", ""))
            }
        case Action.REPLY:
            return _("%(unit)s replied") % {"unit": unit}
        case Action.RECORD_CALLBACK:
            if not data.get("valid", True):
                return _("Callback: you could not be reached")
            satisfaction = (
                Callback.Satisfaction(data["satisfaction"]).label
                if data.get("satisfaction") in Callback.Satisfaction
                else ""
            )
            solved = _("solved") if data.get("solved") else _("not solved")
            return _("Rated: %(solved)s, %(satisfaction)s") % {
                "solved": solved,
                "satisfaction": satisfaction,
            }
        case Action.REQUEST_REOPEN:
            return _("Reopening requested")
        case Action.REOPEN:
            return _("Reopened: the ticket is handled again")
    return Action(event.action).label if event.action in Action else event.action


def timeline(events) -> list[Step]:
    """The public events as the resident reads them, oldest first."""
    return [
        Step(
            at=event.created_at,
            title=_title(event),
            unit=event.unit.display_name if event.unit_id else "",
            text=event.note if event.action in NOTE_SHOWN else "",
            action=event.action,
            link=(event.data or {}).get("article_url", "")
            if event.action == Action.ANSWER_DIRECTLY
            else "",
        )
        for event in events
    ]


def deadlines(ticket, now: datetime) -> list[Deadline]:
    """Each deadline set in the current round, when it was met (or not)."""
    callback_done = ticket.closed_at if ticket.outcome == Outcome.HANDLED else None
    steps = [
        # Neutral labels: a row is a step and its deadline, not a claim that it happened.
        (_("Hotline acceptance"), ticket.accept_due_at, ticket.accepted_at),
        (_("Sent to the handling unit"), ticket.dispatch_due_at, ticket.dispatched_at),
        (_("The unit contacts you"), ticket.response_due_at, ticket.contacted_at),
        (_("The unit replies"), ticket.reply_due_at, ticket.replied_at),
        (_("Callback on the result"), ticket.callback_due_at, callback_done),
    ]
    rows = []
    for label, due, done in steps:
        if due is None:
            continue
        if done is not None:
            state = "met" if done <= due else "late"
        elif ticket.status == Status.CLOSED:
            state = "skipped"
        else:
            state = "open" if now <= due else "overdue"
        rows.append(Deadline(label=label, due=due, done=done, state=state))
    return rows
