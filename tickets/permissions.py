"""Who may take which action on which ticket. One check, used by admin, API, Open311 and scripts.

`actor` is a staff `User`, or None for the resident acting on the public site (whose access code
the caller has verified). Superusers may act as any staff role.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Membership

from . import rules, workflow
from .exceptions import NotPermitted
from .workflow import Action

Role = Membership.Role

# Actions taken by the hotline centre, and the roles that may take them.
HOTLINE_ACTIONS: dict[Action, frozenset[str]] = {
    Action.PHONE_INTAKE: frozenset({Role.OPERATOR, Role.DISPATCHER}),
    Action.ACCEPT: frozenset({Role.OPERATOR, Role.DISPATCHER}),
    Action.ANSWER_DIRECTLY: frozenset({Role.OPERATOR, Role.DISPATCHER}),
    Action.CLOSE_AT_INTAKE: frozenset({Role.OPERATOR, Role.DISPATCHER}),
    Action.DISPATCH: frozenset({Role.DISPATCHER}),
    Action.DECIDE_EXTENSION: frozenset({Role.DISPATCHER}),
    Action.SUPERVISE: frozenset({Role.SUPERVISOR}),
    Action.RECORD_CALLBACK: frozenset({Role.CALLBACK_OPERATOR}),
    Action.REQUEST_REOPEN: frozenset({Role.OPERATOR, Role.CALLBACK_OPERATOR, Role.DISPATCHER}),
    # The resident's request to reopen reaches the dispatcher, who may act on it too.
    Action.REOPEN: frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.DISPATCHER}),
}
# Actions taken by the lead unit's staff.
LEAD_UNIT_ACTIONS = frozenset(
    {Action.RETURN, Action.SIGN_AND_CONTACT, Action.REQUEST_EXTENSION, Action.REPLY}
)
# Actions the resident may take on their own ticket.
RESIDENT_ACTIONS = frozenset({Action.SUBMIT, Action.RECORD_CALLBACK, Action.REQUEST_REOPEN})


def roles_of(user) -> frozenset[tuple[int, str]]:
    """(unit id, role) pairs of a user, cached on the user object for the request."""
    cached = getattr(user, "_ticket_roles", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, department__is_active=True).values_list(
                "department_id", "role"
            )
        )
        user._ticket_roles = cached
    return cached


def hotline_roles(user) -> frozenset[str]:
    return frozenset(role for _unit, role in roles_of(user) if role in Membership.HOTLINE_ROLES)


def unit_ids(user) -> frozenset[int]:
    """Units where the user is a handler or unit head."""
    return frozenset(unit for unit, role in roles_of(user) if role in Membership.UNIT_ROLES)


def can(actor, ticket, action: Action, *, active_unit_ids: frozenset[int] = frozenset()) -> bool:
    """May `actor` take `action` on `ticket`? (Status is checked separately, by the workflow.)

    `active_unit_ids` are the units holding an active assignment on the ticket (for notes).
    """
    if actor is None:
        return action in RESIDENT_ACTIONS
    if not actor.is_active:
        return False
    if action == Action.SUBMIT:
        return True
    if actor.is_superuser:
        return True
    if action in HOTLINE_ACTIONS:
        return bool(hotline_roles(actor) & HOTLINE_ACTIONS[action])
    if action in LEAD_UNIT_ACTIONS:
        return ticket.lead_unit_id is not None and ticket.lead_unit_id in unit_ids(actor)
    if action == Action.ADD_NOTE:
        return bool(hotline_roles(actor)) or bool(unit_ids(actor) & active_unit_ids)
    return False


def check(actor, ticket, action: Action, **kwargs) -> None:
    if not can(actor, ticket, action, **kwargs):
        raise NotPermitted(
            _("You may not “%(action)s” ticket %(number)s.")
            % {"action": Action(action).label, "number": ticket.number or "—"}
        )


def acting_unit(actor, ticket, action: Action):
    """The unit an event is recorded under: the lead unit for its own actions, else None."""
    if action in LEAD_UNIT_ACTIONS:
        return ticket.lead_unit
    return None


CREATION_ACTIONS = frozenset({Action.SUBMIT, Action.PHONE_INTAKE})


def may(actor, ticket, action: Action, *, facts, now) -> bool:
    """May `actor` take `action` on `ticket` now? The workflow allows it from the ticket's
    status, the rules above allow it to the actor, and the ticket's state allows it
    (`tickets.rules`: the return window, one pending extension, …). The services check the same
    three, so what this offers they accept."""
    if not workflow.is_allowed(ticket.status, action):
        return False
    # Only a note asks which units hold the ticket now (the facts read them on first use).
    units = facts.active_unit_ids if action == Action.ADD_NOTE else frozenset()
    return (
        can(actor, ticket, action, active_unit_ids=units)
        and rules.refusal(ticket, action, facts, now=now) is None
    )


def available_actions(actor, ticket, *, facts, now=None) -> list[Action]:
    """What `actor` may do to `ticket` now (the ticket page's buttons), in table order.
    `facts` is a `tickets.rules.Facts` for the ticket."""
    now = now or timezone.now()
    return [
        action
        for action in workflow.allowed_actions(ticket.status)
        if action not in CREATION_ACTIONS and may(actor, ticket, action, facts=facts, now=now)
    ]


# Who decides what open data shows of a ticket (`services.ticket_set_publication`).
PUBLICATION_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR})


def may_decide_publication(user) -> bool:
    if user is None or not user.is_active:
        return False
    return user.is_superuser or bool(hotline_roles(user) & PUBLICATION_ROLES)


def contact_visibility(user, ticket) -> tuple[bool, bool]:
    """May `user` reveal the resident's (phone, name) on `ticket`? (DESIGN.md §7)

    The hotline centre may reveal both; the staff of the current lead unit may reveal the phone
    number (they must call the resident) and the name unless the resident asked to keep it from
    the handling unit. Everyone else only ever sees the masked form.
    """
    if ticket.anonymous or user is None or not user.is_active:
        return False, False
    if user.is_superuser or hotline_roles(user):
        return True, True
    if ticket.lead_unit_id and ticket.lead_unit_id in unit_ids(user):
        return True, not ticket.confidential
    return False, False
