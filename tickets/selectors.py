"""Reads of tickets. `ticket_list_for` is the one place that decides who sees which ticket:
the admin, the API, exports and Open311 all start from it, so listing and object access agree.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from departments.models import Membership, Region
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


# The ticket column that holds each level of its place (tickets store their lineage).
_REGION_COLUMN = {
    Region.Level.DISTRICT: "district",
    Region.Level.STREET: "street",
    Region.Level.COMMUNITY: "community",
}


def in_region(tickets: QuerySet[Ticket], region: Region) -> QuerySet[Ticket]:
    """The tickets located in `region` or anywhere under it, at any level of the tree: one
    indexed column for a district, street or community; the city is every district under it.
    The admin's place filter, its export and the API's `region` filter all use this."""
    column = _REGION_COLUMN.get(region.level)
    if column is None:
        return tickets.filter(district__parent=region)
    return tickets.filter(**{column: region})


def trajectory(ticket: Ticket, *, public_only: bool = False):
    events = ticket.events.select_related("unit").order_by("created_at", "pk")
    return events.filter(public=True) if public_only else events


REPEAT_WINDOW = timedelta(days=30)


def caller_history(phone: str, *, limit: int = 10, tickets: QuerySet | None = None):
    """A caller's latest tickets, newest first (phone intake shows them), among `tickets` (a
    user's scope; default all). `phone` is in the normal form of `tickets.phones` (mobile or
    landline), as typed numbers are turned into."""
    tickets = Ticket.objects.all() if tickets is None else tickets
    return (
        tickets.filter(citizen__phone=phone)
        .select_related("category__parent__parent", "lead_unit")
        .order_by("-submitted_at")[:limit]
    )


def likely_repeats(
    phone: str, *, category=None, address: str = "", now=None, tickets: QuerySet | None = None
):
    """The caller's tickets of the last 30 days with the same category or the same address:
    the operator should probably link the new call to one of them (a repeat demand). Among
    `tickets` (a user's scope; default all)."""
    now = now or timezone.now()
    tickets = Ticket.objects.all() if tickets is None else tickets
    same = Q()
    if category is not None:
        same |= Q(category=category)
    if address.strip():
        same |= Q(address__iexact=address.strip())
    if not same:
        return Ticket.objects.none()
    return (
        tickets.filter(citizen__phone=phone, submitted_at__gte=now - REPEAT_WINDOW)
        .filter(same)
        .select_related("category__parent__parent")
        .order_by("-submitted_at")
    )


def returned_by(ticket: Ticket) -> set[int]:
    """The ids of the units that returned `ticket` (退单), in any round."""
    return set(
        Assignment.objects.filter(ticket=ticket, returned_at__isnull=False).values_list(
            "unit_id", flat=True
        )
    )


def at_place(region) -> Q | None:
    """Tickets located at `region` or inside it, by the ticket's own district, street or
    community column (indexed with the category and date); None above the district."""
    column = {
        Region.Level.COMMUNITY: "community",
        Region.Level.STREET: "street",
        Region.Level.DISTRICT: "district",
    }.get(region.level)
    return Q(**{column: region}) if column else None


def duplicate_candidates(ticket: Ticket, *, limit: int = 10):
    """Other tickets of the last 30 days about the same category at the same place: the likely
    originals when an operator closes a ticket as a duplicate."""
    return (
        Ticket.objects.filter(at_place(ticket.region), category=ticket.category_id)
        .filter(submitted_at__gte=ticket.submitted_at - REPEAT_WINDOW)
        .exclude(pk=ticket.pk)
        .filter(duplicate_of__isnull=True)
        .order_by("-submitted_at")[:limit]
    )


def open_tickets_like(*, category, region, limit: int = 5) -> QuerySet[Ticket]:
    """Open tickets of the same leaf category at the same place (community, else street, else
    district), newest first: the residents' "already reported?" list. Callers show only public
    facts (number, date, status, handling unit), never the description, address or contact."""
    place = at_place(region)
    if place is None:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(place, category=category)
        .exclude(status=Status.CLOSED)
        .select_related("lead_unit")
        .only(
            "number",
            "status",
            "submitted_at",
            "category_id",
            "lead_unit__name",
            "lead_unit__name_en",
        )
        .order_by("-submitted_at")[:limit]
    )


# --- What is due: the reminder sweeps' queries (issue 6) -----------------------------------------
# Each is one query over an index: the open tickets' (status, due_at) partial index (`due_at` is
# the running deadline, never later than any deadline running in the status), the pending
# extensions' index, and the outbox's unique keys for "not notified yet". They return
# (ticket id, lead unit id, deadline) rows.
#
# A ticket sweep runs in one of two modes. *Full* (`since` None) looks at every open ticket that
# may be due. *Recent* (`since` a moment) looks only at tickets whose deadline came into range
# after `since`, or that changed after it (`updated_at`, indexed), or whose status does not run
# the deadline as `due_at`; its cost follows what is new, not how many tickets are open or
# overdue. Beat runs recent sweeps every minute and full ones every hour, which catch whatever a
# recent sweep cannot see (a sweep outage longer than the look-back, a deadline set in the past).


def _not_notified(kind: str, deadline) -> Exists:
    return ~Exists(
        Notification.objects.filter(
            ticket=OuterRef("pk"), kind=kind, recipient__isnull=False, deadline=deadline
        )
    )


def _candidates(statuses, running, *, upper, floor=None, changed_since=None) -> Q:
    """Open tickets in `statuses` with `due_at` at most `upper`; in `running` statuses (where
    `due_at` is the deadline swept) also after `floor`; with `changed_since` (recent mode), also
    any of them changed after that moment."""
    found = Q()
    for status in statuses:
        if status in running and floor is not None:
            found |= Q(status=status, due_at__gt=floor, due_at__lte=upper)
        else:
            found |= Q(status=status, due_at__lte=upper)
    if changed_since is not None:
        found |= Q(status__in=list(statuses), due_at__lte=upper, updated_at__gt=changed_since)
    return found


def tickets_due_soon(
    *,
    now: datetime,
    statuses,
    field: str,
    horizons: dict[int, datetime],
    kind: str,
    running=frozenset(),
    floors: dict[int, datetime] | None = None,
    changed_since: datetime | None = None,
) -> QuerySet:
    """Tickets in `statuses` whose `field` deadline is after `now` and no later than their urgency
    class's horizon (`horizons`: class id → latest deadline to warn about now), not yet warned
    under `kind` for that deadline. `running`: statuses in which `field` is the ticket's `due_at`.
    Recent mode: `floors` are the horizons a look-back ago, `changed_since` the look-back.
    """
    in_horizon = Q()
    for urgency_id, horizon in horizons.items():
        in_horizon |= Q(urgency_id=urgency_id, **{f"{field}__lte": horizon})
    latest = max(horizons.values())
    if floors is None:
        candidates = _candidates(statuses, running, upper=latest, floor=now)
    else:
        # Per class, only the slice of deadlines that came into range during the look-back.
        candidates = _candidates(
            [s for s in statuses if s not in running], (), upper=latest, changed_since=None
        )
        for status in running & set(statuses):
            for urgency_id, horizon in horizons.items():
                low = max(now, floors[urgency_id])
                candidates |= Q(
                    status=status, urgency_id=urgency_id, due_at__gt=low, due_at__lte=horizon
                )
        candidates |= Q(status__in=list(statuses), due_at__lte=latest, updated_at__gt=changed_since)
    return (
        Ticket.objects.filter(candidates, in_horizon, **{f"{field}__gt": now})
        .filter(_not_notified(kind, OuterRef(field)))
        .order_by()
        .values_list("pk", "lead_unit_id", field)
    )


def tickets_overdue(
    *, now: datetime, statuses, field: str, kind: str, running=frozenset(), since=None
) -> QuerySet:
    """Tickets in `statuses` whose `field` deadline has passed, not yet warned under `kind`.
    Recent mode (`since`): deadlines passed, or tickets changed, after `since`."""
    candidates = _candidates(statuses, running, upper=now, floor=since, changed_since=since)
    return (
        Ticket.objects.filter(candidates, **{f"{field}__lte": now})
        .filter(_not_notified(kind, OuterRef(field)))
        .order_by()
        .values_list("pk", "lead_unit_id", field)
    )


def tickets_reply_overdue(
    *, now: datetime, kind: str, every: timedelta, since: datetime | None = None
) -> QuerySet:
    """Tickets still without a reply after their reply deadline, not escalated within `every`
    (for this deadline: an extension starts the count again). Recent mode (`since`) finds the
    first escalation; the daily repetitions come from the full sweeps."""
    recent = Notification.objects.filter(
        ticket=OuterRef("pk"),
        kind=kind,
        recipient__isnull=False,
        deadline__gt=now - every,
        deadline__gte=OuterRef("reply_due_at"),
    )
    candidates = _candidates(
        [Status.DISPATCHED, Status.IN_PROGRESS],
        {Status.IN_PROGRESS},
        upper=now,
        floor=since,
        changed_since=since,
    )
    return (
        Ticket.objects.filter(candidates, reply_due_at__lte=now)
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
