"""Who receives a staff warning, and the outbox rows for them.

Rules (DESIGN.md §5):
- hotline work (accepting, dispatching, deciding extensions, re-dispatching returns, callbacks)
  warns the hotline centre's members in the role that does it;
- a lead unit's deadlines warn its handlers;
- an overdue reply escalates to the lead unit's heads and the hotline supervisors.
A warning is never addressed to no one: with nobody in the role it goes to the unit's heads, and
then to the hotline supervisors, so a deadline cannot slip silently for want of a handler.

A member of a unit that chose the daily digest gets its warnings held for the digest
(escalations still go out at once). Staff without an e-mail address see their notices in the
admin only ("my reminders"), so those rows are delivered the moment they are written.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.db.models import Q

from departments.models import Department, Membership

from .models import Notification

Role = Membership.Role
Kind = Notification.Kind
Status = Notification.Status
Channel = Notification.Channel


class Rule(Enum):
    OPERATORS = "operators"
    DISPATCHERS = "dispatchers"
    CALLBACK_OPERATORS = "callback operators"
    LEAD_HANDLERS = "lead unit handlers"
    ESCALATION = "lead unit heads and hotline supervisors"


HOTLINE_ROLE = {
    Rule.OPERATORS: Role.OPERATOR,
    Rule.DISPATCHERS: Role.DISPATCHER,
    Rule.CALLBACK_OPERATORS: Role.CALLBACK_OPERATOR,
}
# Kinds a digest unit receives once a day instead of one by one.
DIGESTIBLE = frozenset(
    {
        Kind.ACCEPT_SOON,
        Kind.ACCEPT_OVERDUE,
        Kind.DISPATCH_SOON,
        Kind.DISPATCH_OVERDUE,
        Kind.RESPONSE_SOON,
        Kind.RESPONSE_OVERDUE,
        Kind.REPLY_SOON,
        Kind.REPLY_DUE,
        Kind.EXTENSION_PENDING,
        Kind.RETURN_PENDING,
        Kind.CALLBACK_DUE,
        Kind.CALLBACK_OVERDUE,
    }
)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    digest: bool  # the unit they are warned for chose the daily digest


@dataclass(frozen=True)
class Due:
    """One thing a sweep found: a ticket, its lead unit (if any) and the deadline at stake."""

    ticket_id: int
    unit_id: int | None
    deadline: datetime
    data: dict | None = None


class Directory:
    """The members a batch of warnings may go to, read in one query."""

    def __init__(self, unit_ids: Iterable[int]):
        self.by_unit_role: dict[tuple[int, str], list[Recipient]] = defaultdict(list)
        self.hotline: dict[str, list[Recipient]] = defaultdict(list)
        unit_ids = {u for u in unit_ids if u is not None}
        rows = Membership.objects.filter(
            Q(department__kind=Department.Kind.HOTLINE_CENTRE, role__in=Membership.HOTLINE_ROLES)
            | Q(department_id__in=unit_ids, role__in=Membership.UNIT_ROLES),
            user__is_active=True,
            department__is_active=True,
        ).values_list(
            "user_id",
            "user__email",
            "department_id",
            "department__kind",
            "department__daily_digest",
            "role",
        )
        for user_id, email, unit_id, unit_kind, digest, role in rows.order_by("user_id"):
            recipient = Recipient(user_id, email or "", digest)
            if unit_kind == Department.Kind.HOTLINE_CENTRE and role in Membership.HOTLINE_ROLES:
                self.hotline[role].append(recipient)
            if unit_id in unit_ids:
                self.by_unit_role[(unit_id, role)].append(recipient)

    def for_rule(self, rule: Rule, unit_id: int | None) -> list[Recipient]:
        supervisors = self.hotline[Role.SUPERVISOR]
        if rule in HOTLINE_ROLE:
            found = self.hotline[HOTLINE_ROLE[rule]] or supervisors
        elif rule == Rule.LEAD_HANDLERS:
            found = (
                self.by_unit_role[(unit_id, Role.HANDLER)]
                or self.by_unit_role[(unit_id, Role.UNIT_HEAD)]
                or supervisors
            )
        else:
            found = self.by_unit_role[(unit_id, Role.UNIT_HEAD)] + supervisors
        return list({r.user_id: r for r in found}.values())


def staff_rows(kind: Kind, rule: Rule, due: list[Due], now: datetime) -> list[Notification]:
    """Unsaved outbox rows: one per recipient of each due item."""
    directory = Directory(item.unit_id for item in due)
    rows = []
    for item in due:
        for recipient in directory.for_rule(rule, item.unit_id):
            rows.append(_row(kind, item, recipient, now))
    return rows


def _row(kind: Kind, item: Due, recipient: Recipient, now: datetime) -> Notification:
    row = Notification(
        ticket_id=item.ticket_id,
        kind=kind,
        recipient_id=recipient.user_id,
        deadline=item.deadline,
        data=item.data or {},
        created_at=now,
    )
    if not recipient.email:
        row.channel, row.status, row.sent_at = Channel.ADMIN, Status.SENT, now
    else:
        row.channel = Channel.EMAIL
        row.status = Status.HELD if recipient.digest and kind in DIGESTIBLE else Status.PENDING
    return row
