"""What a ticket's own state allows, beyond its status and the actor's role.

The workflow (`workflow.py`) says which actions a status allows and `permissions.py` who may take
them; the rules here say what else must hold: a unit returns a ticket only within its return
window and only once, one extension request waits for a decision at a time, a decision needs a
request, a resident asks to reopen once, only a consultation is answered directly, and the lead
unit's actions need a lead unit; at phone intake, the urgency follows the category and may be
raised, never lowered.

One place decides: the services call `check()` inside their transaction, before writing, and
the ticket page and the API's `actions` list ask `refusal()` (through `permissions.may`) before
offering an action, so nothing is offered that the service would then refuse.
"""

from datetime import datetime
from functools import cached_property

from django.utils.translation import gettext as _

from .exceptions import RuleViolation
from .models import Assignment, Extension, Kind, Ticket
from .workflow import Action, Status

LEAD_ACTIONS = frozenset(
    {Action.RETURN, Action.SIGN_AND_CONTACT, Action.REQUEST_EXTENSION, Action.REPLY}
)


class Facts:
    """What the rules read beyond the ticket row: its assignments (the active lead, the units
    that returned it, the units holding it now) and the extension request waiting for a decision.

    Built from rows the caller already holds (the ticket page loads the assignments anyway) or,
    for what it was not given, read on first use (one small query each).
    """

    def __init__(self, ticket, *, assignments=None, extensions=None):
        self.ticket = ticket
        self._assignments = assignments
        self._extensions = extensions

    @cached_property
    def assignments(self) -> list[Assignment]:
        if self._assignments is not None:
            return list(self._assignments)
        return list(self.ticket.assignments.select_related("unit"))

    @cached_property
    def lead(self) -> Assignment | None:
        """The active lead assignment (None before dispatch, after a return or a reopening)."""
        return next(
            (a for a in self.assignments if a.active and a.role == Assignment.Role.LEAD), None
        )

    @cached_property
    def returned_by(self) -> frozenset[int]:
        """Units that returned the ticket (in any round)."""
        return frozenset(a.unit_id for a in self.assignments if a.returned_at is not None)

    @cached_property
    def active_unit_ids(self) -> frozenset[int]:
        return frozenset(a.unit_id for a in self.assignments if a.active)

    @cached_property
    def pending_extension(self) -> Extension | None:
        if self._extensions is not None:
            return next(
                (e for e in self._extensions if e.decision == Extension.Decision.PENDING), None
            )
        return self.ticket.extensions.filter(decision=Extension.Decision.PENDING).first()


def refusal(ticket, action: Action, facts: Facts, *, now: datetime) -> str | None:
    """Why `action` cannot be taken on `ticket` now, or None when its state allows it."""
    if action == Action.ANSWER_DIRECTLY and ticket.kind != Kind.CONSULTATION:
        return _("Only consultations can be answered directly.")
    if action in LEAD_ACTIONS and facts.lead is None:
        return _("The ticket has no lead unit.")
    if action == Action.RETURN:
        if facts.lead.return_due_at and now > facts.lead.return_due_at:
            return _("The time allowed for a return has passed.")
        if facts.lead.unit_id in facts.returned_by:
            return _("This unit has already returned this ticket once.")
    if action == Action.REQUEST_EXTENSION and facts.pending_extension is not None:
        return _("An extension request is already waiting for a decision.")
    if action == Action.DECIDE_EXTENSION and facts.pending_extension is None:
        return _("No extension request is waiting for a decision.")
    if action == Action.REQUEST_REOPEN and ticket.reopen_requested_at is not None:
        return _("Reopening has already been requested for this ticket.")
    return None


def check(ticket, action: Action, facts: Facts, *, now: datetime) -> None:
    """Raise RuleViolation (HTTP 409) with the reason when the ticket's state forbids `action`."""
    reason = refusal(ticket, action, facts, now=now)
    if reason is not None:
        raise RuleViolation(reason)


# -- a call at the desk ---------------------------------------------------------------------------


def refusal_for_call(kind: str, action: Action, *, now: datetime) -> str | None:
    """Why a new call of `kind` cannot end with `action` (answered directly, dispatched) at the
    desk: the ticket-state rule above, asked of the ticket the call would create. The desk asks
    it for every kind to offer its endings; the services that record and end a call ask it
    before writing."""
    ticket = Ticket(kind=kind, status=Status.ACCEPTED)
    return refusal(ticket, action, Facts(ticket, assignments=[], extensions=[]), now=now)


def urgency_refusal(category, urgency) -> str | None:
    """Why a call about `category` cannot be given `urgency`: a phone ticket takes its
    category's urgency class, or a more urgent one (a lower rank: shorter limits), never a less
    urgent one. None when either is missing (the category's class is then used)."""
    if category is None or urgency is None or category.urgency is None:
        return None
    if urgency.rank > category.urgency.rank:
        return _(
            "“%(category)s” is at least “%(default)s”: the urgency can be raised, not lowered."
        ) % {"category": category.display_name, "default": category.urgency.name}
    return None


def urgencies_allowed(category, classes) -> list:
    """The urgency classes among `classes` a call about `category` may be given."""
    return [u for u in classes if urgency_refusal(category, u) is None]
