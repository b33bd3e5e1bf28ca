"""Reads of tickets. `ticket_list_for` is the one place that decides who sees which ticket:
the admin, the API, exports and Open311 all start from it, so listing and object access agree.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from departments.models import Membership
from departments.selectors import unit_and_descendant_ids

from . import permissions
from .models import Assignment, Extension, Notification, Ticket
from .workflow import Status

SEES_ALL = Membership.HOTLINE_ROLES | {Membership.Role.ANALYST}


def ticket_list_for(user) -> QuerySet[Ticket]:
    """Tickets `user` may see: all for the hotline centre and analysts; for a unit's staff, the
    tickets their unit (or a unit under it) holds or held an assignment on; none otherwise."""
    tickets = Ticket.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return tickets.none()
    if user.is_superuser:
        return tickets
    roles = permissions.roles_of(user)
    if any(role in SEES_ALL for _unit, role in roles):
        return tickets
    units = unit_and_descendant_ids(permissions.unit_ids(user))
    if not units:
        return tickets.none()
    return tickets.filter(
        Exists(Assignment.objects.filter(ticket=OuterRef("pk"), unit_id__in=units))
    )


def trajectory(ticket: Ticket, *, public_only: bool = False):
    events = ticket.events.select_related("unit").order_by("created_at", "pk")
    return events.filter(public=True) if public_only else events


# --- What is due: the reminder sweeps' queries (issue 6) -----------------------------------------
# Each is one query over an index: the open tickets' (status, due_at) partial index (`due_at` is
# the running deadline, never later than any deadline running in the status), the pending
# extensions' index, and the outbox's unique keys for "not notified yet". They return
# (ticket id, lead unit id, deadline) rows.


def _not_notified(kind: str, deadline) -> Exists:
    return ~Exists(
        Notification.objects.filter(
            ticket=OuterRef("pk"), kind=kind, recipient__isnull=False, deadline=deadline
        )
    )


def tickets_due_soon(
    *,
    now: datetime,
    statuses,
    field: str,
    horizons: dict[int, datetime],
    kind: str,
    running=frozenset(),
) -> QuerySet:
    """Tickets in `statuses` whose `field` deadline is after `now` and no later than their urgency
    class's horizon (`horizons`: class id → latest deadline to warn about now), not yet warned
    under `kind` for that deadline. `running`: statuses in which `field` is the ticket's `due_at`.
    """
    latest = max(horizons.values())
    in_status = Q()
    for status in statuses:
        if status in running:
            in_status |= Q(status=status, due_at__gt=now, due_at__lte=latest)
        else:
            in_status |= Q(status=status, due_at__lte=latest)
    in_horizon = Q()
    for urgency_id, horizon in horizons.items():
        in_horizon |= Q(urgency_id=urgency_id, **{f"{field}__lte": horizon})
    return (
        Ticket.objects.filter(in_status, in_horizon, **{f"{field}__gt": now})
        .filter(_not_notified(kind, OuterRef(field)))
        .order_by()
        .values_list("pk", "lead_unit_id", field)
    )


def tickets_overdue(*, now: datetime, statuses, field: str, kind: str) -> QuerySet:
    """Tickets in `statuses` whose `field` deadline has passed, not yet warned under `kind`."""
    return (
        Ticket.objects.filter(status__in=list(statuses), due_at__lte=now, **{f"{field}__lte": now})
        .filter(_not_notified(kind, OuterRef(field)))
        .order_by()
        .values_list("pk", "lead_unit_id", field)
    )


def tickets_reply_overdue(*, now: datetime, kind: str, every: timedelta) -> QuerySet:
    """Tickets still without a reply after their reply deadline, not escalated within `every`
    (for this deadline: an extension starts the count again)."""
    recent = Notification.objects.filter(
        ticket=OuterRef("pk"),
        kind=kind,
        recipient__isnull=False,
        deadline__gt=now - every,
        deadline__gte=OuterRef("reply_due_at"),
    )
    return (
        Ticket.objects.filter(
            status__in=[Status.DISPATCHED, Status.IN_PROGRESS],
            due_at__lte=now,
            reply_due_at__lte=now,
        )
        .filter(~Exists(recent))
        .order_by()
        .values_list("pk", "lead_unit_id", "reply_due_at")
    )


def extensions_waiting(*, now: datetime, kind: str) -> QuerySet:
    """Extension requests waiting for a decision that the dispatchers were not told about."""
    told = Notification.objects.filter(
        ticket=OuterRef("ticket_id"),
        kind=kind,
        recipient__isnull=False,
        deadline=OuterRef("requested_at"),
    )
    return (
        Extension.objects.filter(decision=Extension.Decision.PENDING, requested_at__lte=now)
        .filter(~Exists(told))
        .order_by()
        .values_list("ticket_id", "ticket__lead_unit_id", "requested_at")
    )


def returns_waiting(*, now: datetime, kind: str) -> QuerySet:
    """Tickets a unit returned in their current round, waiting for re-dispatch, not yet
    announced to the dispatchers (the key is the new dispatch deadline the return set)."""
    returned = Assignment.objects.filter(
        ticket=OuterRef("pk"), round=OuterRef("round"), returned_at__isnull=False
    )
    return (
        Ticket.objects.filter(status=Status.ACCEPTED, due_at__isnull=False)
        .filter(Exists(returned), _not_notified(kind, OuterRef("dispatch_due_at")))
        .order_by()
        .values_list("pk", "lead_unit_id", "dispatch_due_at")
    )
