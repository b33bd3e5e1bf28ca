"""The ticket workflow: statuses, actions and the transition table. Pure: no database, no I/O.

Invariants (checked by the `tickets.E001` system check and table-tested):
- every status appears in the table, every action has an entry;
- each action either moves a ticket to one target status or leaves it unchanged (`None`);
- creation actions start from `None` (no ticket yet); `closed` is left only by `reopen`.
The services in `tickets/services.py` call `check()` before every change.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .exceptions import TransitionNotAllowed


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    DISPATCHED = "dispatched", _("dispatched")
    IN_PROGRESS = "in_progress", _("in progress")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")


class Action(models.TextChoices):
    SUBMIT = "submit", _("submit")
    PHONE_INTAKE = "phone_intake", _("phone intake")
    ACCEPT = "accept", _("accept")
    ANSWER_DIRECTLY = "answer_directly", _("answer directly")
    CLOSE_AT_INTAKE = "close_at_intake", _("close at intake")
    DISPATCH = "dispatch", _("dispatch")
    RETURN = "return", _("return")
    SIGN_AND_CONTACT = "sign_and_contact", _("sign and contact")
    REQUEST_EXTENSION = "request_extension", _("request extension")
    DECIDE_EXTENSION = "decide_extension", _("decide extension")
    ADD_NOTE = "add_note", _("add note")
    SUPERVISE = "supervise", _("supervise")
    REPLY = "reply", _("reply")
    RECORD_CALLBACK = "record_callback", _("record callback")
    REQUEST_REOPEN = "request_reopen", _("ask to reopen")
    REOPEN = "reopen", _("reopen")


OPEN_STATUSES = frozenset(s for s in Status if s != Status.CLOSED)
INTAKE_STATUSES = frozenset({Status.SUBMITTED, Status.ACCEPTED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset  # statuses the action may start from; {None} for creation
    target: Status | None  # None: the status is unchanged


TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({None}), Status.SUBMITTED),
    Action.PHONE_INTAKE: Transition(frozenset({None}), Status.ACCEPTED),
    Action.ACCEPT: Transition(frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Action.ANSWER_DIRECTLY: Transition(INTAKE_STATUSES, Status.CLOSED),
    Action.CLOSE_AT_INTAKE: Transition(INTAKE_STATUSES, Status.CLOSED),
    Action.DISPATCH: Transition(frozenset({Status.ACCEPTED}), Status.DISPATCHED),
    Action.RETURN: Transition(frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.SIGN_AND_CONTACT: Transition(frozenset({Status.DISPATCHED}), Status.IN_PROGRESS),
    Action.REQUEST_EXTENSION: Transition(frozenset({Status.IN_PROGRESS}), None),
    Action.DECIDE_EXTENSION: Transition(frozenset({Status.IN_PROGRESS}), None),
    Action.ADD_NOTE: Transition(OPEN_STATUSES, None),
    Action.SUPERVISE: Transition(OPEN_STATUSES, None),
    Action.REPLY: Transition(frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), Status.REPLIED),
    Action.RECORD_CALLBACK: Transition(frozenset({Status.REPLIED}), Status.CLOSED),
    Action.REQUEST_REOPEN: Transition(frozenset({Status.CLOSED}), None),
    Action.REOPEN: Transition(frozenset({Status.CLOSED}), Status.ACCEPTED),
}


def is_allowed(status: Status | None, action: Action) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and status in transition.sources


def check(status: Status | None, action: Action) -> Status:
    """Return the status after `action` from `status`, or raise TransitionNotAllowed."""
    if not is_allowed(status, action):
        label = Status(status).label if status else "—"
        raise TransitionNotAllowed(
            _("“%(action)s” is not allowed while the ticket is “%(status)s”.")
            % {"action": Action(action).label, "status": label}
        )
    target = TRANSITIONS[action].target
    return target if target is not None else Status(status)


def allowed_actions(status: Status | None) -> list[Action]:
    """Actions the table allows from `status`, in table order (permissions are separate)."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


def table_problems() -> list[str]:
    """Gaps in the table: used by the system check; empty when the table is complete."""
    problems = [f"action {a.value!r} has no transition" for a in Action if a not in TRANSITIONS]
    reachable = {t.target for t in TRANSITIONS.values()} | {
        s for t in TRANSITIONS.values() for s in t.sources
    }
    problems += [
        f"status {s.value!r} is not in the transition table" for s in Status if s not in reachable
    ]
    problems += [f"status {s.value!r} allows no action" for s in Status if not allowed_actions(s)]
    return problems
