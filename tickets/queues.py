"""Work queues: the saved filters each role starts its day from.

A queue is a named set of changelist parameters plus the queryset they select; the admin index
shows each queue the user's roles need, with its size. Both the changelist filters
(`tickets.admin.filters`) and the counts here use `deadline_filter` and friends, so a queue's
count and the list it opens always agree.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Membership

from . import permissions
from .models import Assignment, Extension
from .selectors import ticket_list_for
from .workflow import Status

Role = Membership.Role
HOTLINE = frozenset(Membership.HOTLINE_ROLES)
UNIT = frozenset(Membership.UNIT_ROLES)


def open_tickets(qs: QuerySet) -> QuerySet:
    return qs.exclude(status=Status.CLOSED)


def deadline_filter(qs: QuerySet, value: str, now=None) -> QuerySet:
    """`overdue`: the running deadline has passed; `24h`: it falls within the next 24 hours;
    `today`: it falls before the end of today in Beijing."""
    now = now or timezone.now()
    qs = open_tickets(qs)
    if value == "overdue":
        return qs.filter(due_at__lt=now)
    if value == "24h":
        return qs.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=24))
    if value == "today":
        end = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return qs.filter(due_at__gte=now, due_at__lt=end + timedelta(days=1))
    return qs


def returned_filter(qs: QuerySet) -> QuerySet:
    """Waiting for re-dispatch after a unit returned them."""
    returned = Assignment.objects.filter(ticket=OuterRef("pk"), returned_at__isnull=False)
    return qs.filter(Exists(returned), status=Status.ACCEPTED)


def extension_pending_filter(qs: QuerySet) -> QuerySet:
    """In progress, with the lead unit's request for more time waiting for a dispatcher."""
    pending = Extension.objects.filter(ticket=OuterRef("pk"), decision=Extension.Decision.PENDING)
    return qs.filter(Exists(pending), status=Status.IN_PROGRESS)


def works_by_deadline(params) -> bool:
    """Lists worked soonest deadline first, whoever opens them: the callbacks due (their `due_at`
    is the callback deadline) and the extension requests (the reply deadline)."""
    return params.get("status") == Status.REPLIED or params.get("extension") == "pending"


def my_unit_filter(qs: QuerySet, user) -> QuerySet:
    """Tickets whose current lead unit is one of the user's units."""
    return qs.filter(lead_unit__in=permissions.unit_ids(user))


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset
    params: dict

    def url_query(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.params.items())


QUEUES = [
    Queue(
        "to_accept",
        _("To accept"),
        frozenset({Role.OPERATOR, Role.DISPATCHER}),
        {"status": "submitted"},
    ),
    Queue("to_dispatch", _("To dispatch"), frozenset({Role.DISPATCHER}), {"status": "accepted"}),
    Queue(
        "returned", _("Returned, to re-dispatch"), frozenset({Role.DISPATCHER}), {"returned": "1"}
    ),
    Queue(
        "extensions",
        _("Extension requests to decide"),
        frozenset({Role.DISPATCHER}),
        {"extension": "pending"},
    ),
    Queue(
        "reopen_requested",
        _("Residents asking to reopen"),
        frozenset({Role.DISPATCHER, Role.OPERATOR, Role.SUPERVISOR}),
        {"status": "closed", "reopen": "requested"},
    ),
    Queue("to_sign", _("My unit: to sign"), UNIT, {"status": "dispatched", "unit": "mine"}),
    Queue("my_open", _("My unit: in progress"), UNIT, {"status": "in_progress", "unit": "mine"}),
    Queue("due_24h", _("Due within 24 h"), HOTLINE | UNIT, {"deadline": "24h"}),
    Queue("overdue", _("Overdue"), HOTLINE | UNIT | {Role.ANALYST}, {"deadline": "overdue"}),
    Queue(
        "callbacks_due",
        _("Callbacks due"),
        frozenset({Role.CALLBACK_OPERATOR, Role.SUPERVISOR}),
        {"status": "replied"},
    ),
    Queue("supervised", _("Supervised"), frozenset({Role.SUPERVISOR}) | UNIT, {"supervised": "1"}),
]


def apply(queue: Queue, qs: QuerySet, user) -> QuerySet:
    """The queryset a queue's parameters select (what the changelist filters do)."""
    params = queue.params
    if "status" in params:
        qs = qs.filter(status=params["status"])
    if params.get("unit") == "mine":
        qs = my_unit_filter(qs, user)
    if "deadline" in params:
        qs = deadline_filter(qs, params["deadline"])
    if params.get("returned"):
        qs = returned_filter(qs)
    if params.get("extension") == "pending":
        qs = extension_pending_filter(qs)
    if params.get("reopen"):
        qs = qs.filter(reopen_requested_at__isnull=False, status=Status.CLOSED)
    if params.get("supervised"):
        qs = open_tickets(qs).filter(supervised=True)
    return qs


def queues_for(user) -> list[Queue]:
    if user.is_superuser:
        # Every queue, but "my unit" ones only for a superuser who belongs to a unit.
        mine = bool(permissions.unit_ids(user))
        return [q for q in QUEUES if mine or q.params.get("unit") != "mine"]
    roles = {role for _unit, role in permissions.roles_of(user)}
    return [q for q in QUEUES if q.roles & roles]


COUNT_CAP = 1000


def queue_counts(user) -> list[tuple[Queue, int]]:
    """Each of the user's queues with its size (capped: "1000+" is enough to plan a day)."""
    base = ticket_list_for(user)
    result = []
    for queue in queues_for(user):
        # COUNT over a LIMITed subquery: never more than COUNT_CAP + 1 index entries read.
        result.append((queue, apply(queue, base, user).values("pk")[: COUNT_CAP + 1].count()))
    return result
