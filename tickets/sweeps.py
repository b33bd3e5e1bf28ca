"""The reminder sweeps (DESIGN.md §5): what is due now, turned into outbox rows.

Each sweep is one indexed query (`tickets.selectors`) plus, when something is due, one query for
the recipients and one insert. Beat starts all of them every `PORTAL_SWEEP_SECONDS` in *recent*
mode (only what came due or changed within `PORTAL_SWEEP_LOOKBACK`, so the cost follows what is
new, not the number of open or overdue tickets) and every `PORTAL_SWEEP_FULL_SECONDS` in *full*
mode (every open ticket; this also repeats the daily escalations). A sweep may run twice, late,
or beside itself on another worker: the outbox's unique keys make the second run create nothing.

Every clock (accept, dispatch, first contact, reply, callback) warns twice for each deadline:
- "soon" when the time left reaches (1 − the class's warn share) of the class's limit — by default
  when 75% of the limit has gone; counted in working time for classes that count working days;
- at the deadline.
An overdue reply escalates to the unit heads and hotline supervisors at the deadline and again
each day after it. Extension requests and returned tickets are announced to the dispatchers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from departments.calendar import work_calendar

from . import outbox, recipients, selectors, sla
from .models import Notification, UrgencyClass
from .recipients import Due, Rule
from .workflow import Status

Kind = Notification.Kind
ESCALATION_EVERY = timedelta(days=1)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Clock:
    name: str
    statuses: frozenset
    field: str  # the deadline column
    limit: str  # the urgency class's limit for it
    running: frozenset  # statuses in which `field` is the ticket's `due_at`
    soon: Kind
    due: Kind
    rule: Rule


CLOCKS = [
    Clock(
        "accept",
        frozenset({Status.SUBMITTED}),
        "accept_due_at",
        "accept_limit",
        frozenset({Status.SUBMITTED}),
        Kind.ACCEPT_SOON,
        Kind.ACCEPT_OVERDUE,
        Rule.OPERATORS,
    ),
    Clock(
        "dispatch",
        frozenset({Status.ACCEPTED}),
        "dispatch_due_at",
        "dispatch_limit",
        frozenset({Status.ACCEPTED}),
        Kind.DISPATCH_SOON,
        Kind.DISPATCH_OVERDUE,
        Rule.DISPATCHERS,
    ),
    Clock(
        "response",
        frozenset({Status.DISPATCHED}),
        "response_due_at",
        "response_limit",
        frozenset(),
        Kind.RESPONSE_SOON,
        Kind.RESPONSE_OVERDUE,
        Rule.LEAD_HANDLERS,
    ),
    Clock(
        "reply",
        frozenset({Status.DISPATCHED, Status.IN_PROGRESS}),
        "reply_due_at",
        "reply_limit",
        frozenset({Status.IN_PROGRESS}),
        Kind.REPLY_SOON,
        Kind.REPLY_DUE,
        Rule.LEAD_HANDLERS,
    ),
    Clock(
        "callback",
        frozenset({Status.REPLIED}),
        "callback_due_at",
        "callback_limit",
        frozenset({Status.REPLIED}),
        Kind.CALLBACK_DUE,
        Kind.CALLBACK_OVERDUE,
        Rule.CALLBACK_OPERATORS,
    ),
]


def warning_lead(limit: timedelta, share: Decimal) -> timedelta:
    """Time left on the clock when the warning goes out: (1 − share) of the limit, exactly."""
    return MICROSECOND * int((limit // MICROSECOND) * (1 - Decimal(share)))


def horizons(
    clock: Clock, now: datetime, *, earlier: datetime | None = None
) -> tuple[dict[int, datetime], dict[int, datetime] | None]:
    """Per urgency class, the latest deadline that is "soon" at `now`; and the same at `earlier`
    (for recent mode), else None. Two small queries."""
    classes = list(UrgencyClass.objects.all())
    leads = {uc.pk: warning_lead(getattr(uc, clock.limit), uc.warn_share) for uc in classes}
    if not classes:
        return {}, None
    start = min(now, earlier or now)
    calendar = sla.NATURAL
    if any(uc.working_days for uc in classes):
        calendar = work_calendar(*sla.days_needed(start, max(leads.values()) + (now - start)))

    def at(moment):
        return {
            uc.pk: sla.add(moment, leads[uc.pk], working_days=uc.working_days, calendar=calendar)
            for uc in classes
        }

    return at(now), (at(earlier) if earlier else None)


# The clock whose deadline is a ticket's `due_at` in each open status (once dispatched, first
# contact: the reply deadline is later unless the reply comes first, when that warning counts).
RUNNING_CLOCK = {
    Status.SUBMITTED: "accept",
    Status.ACCEPTED: "dispatch",
    Status.DISPATCHED: "response",
    Status.IN_PROGRESS: "reply",
    Status.REPLIED: "callback",
}


def soon_horizons(now: datetime) -> dict[tuple[str, int], datetime]:
    """(status, urgency class id) → the latest running deadline (`due_at`) that is "due soon"
    at `now`: the sweeps' warning has gone out for it (at the class's warn share of the limit).
    The ticket list marks exactly these, so "due soon" means what the reminder meant, and a
    general ticket's 24-hour dispatch clock is not "soon" the moment it starts. Two small queries
    at most (the classes, and the work calendar when a class counts working days)."""
    limits = {clock.name: clock.limit for clock in CLOCKS}
    classes = list(UrgencyClass.objects.all())
    leads = {
        (status, uc.pk): warning_lead(getattr(uc, limits[name]), uc.warn_share)
        for status, name in RUNNING_CLOCK.items()
        for uc in classes
    }
    calendar = sla.NATURAL
    if any(uc.working_days for uc in classes):
        calendar = work_calendar(*sla.days_needed(now, max(leads.values())))
    working = {uc.pk: uc.working_days for uc in classes}
    return {
        (status, pk): sla.add(now, lead, working_days=working[pk], calendar=calendar)
        for (status, pk), lead in leads.items()
    }


@dataclass(frozen=True)
class Sweep:
    name: str
    kind: Kind
    rule: Rule
    find: Callable[[datetime, datetime | None], list[Due]]  # (now, since): since None = full

    def run(self, now: datetime | None = None, *, recent: bool = False) -> int:
        """Create the notices due at `now`; returns how many rows were created. `recent`: look
        only at what came due or changed within `PORTAL_SWEEP_LOOKBACK` (see selectors)."""
        now = now or timezone.now()
        since = now - timedelta(seconds=settings.PORTAL_SWEEP_LOOKBACK) if recent else None
        due = self.find(now, since)
        if not due:
            return 0
        return len(outbox.create(recipients.staff_rows(self.kind, self.rule, due, now)))


def _batch(rows):
    """At most `PORTAL_SWEEP_BATCH` items a run: after downtime a sweep catches up over several
    runs in bounded time and memory (what it wrote is no longer due)."""
    return rows[: settings.PORTAL_SWEEP_BATCH]


def _dues(rows) -> list[Due]:
    return [Due(pk, unit, deadline) for pk, unit, deadline in _batch(rows)]


def _soon(clock: Clock) -> Sweep:
    def find(now, since):
        found, floors = horizons(clock, now, earlier=since)
        if not found:
            return []
        return _dues(
            selectors.tickets_due_soon(
                now=now,
                statuses=clock.statuses,
                field=clock.field,
                horizons=found,
                kind=clock.soon,
                running=clock.running,
                floors=floors,
                changed_since=since,
            )
        )

    return Sweep(clock.soon.value, clock.soon, clock.rule, find)


def _at_deadline(clock: Clock) -> Sweep:
    def find(now, since):
        return _dues(
            selectors.tickets_overdue(
                now=now,
                statuses=clock.statuses,
                field=clock.field,
                kind=clock.due,
                running=clock.running,
                since=since,
            )
        )

    return Sweep(clock.due.value, clock.due, clock.rule, find)


def _escalations(now: datetime, since: datetime | None) -> list[Due]:
    rows = _batch(
        selectors.tickets_reply_overdue(
            now=now, kind=Kind.REPLY_OVERDUE, every=ESCALATION_EVERY, since=since
        )
    )
    return [
        # The day's repetition of the deadline: the key that makes it at most daily.
        Due(
            pk,
            unit,
            due + ESCALATION_EVERY * ((now - due) // ESCALATION_EVERY),
            {"since": due.isoformat()},
        )
        for pk, unit, due in rows
    ]


SWEEPS: dict[str, Sweep] = {
    sweep.name: sweep
    for sweep in [
        *(_soon(clock) for clock in CLOCKS),
        *(_at_deadline(clock) for clock in CLOCKS),
        Sweep(Kind.REPLY_OVERDUE.value, Kind.REPLY_OVERDUE, Rule.ESCALATION, _escalations),
        # Pending extensions and returned tickets are few: always swept in full.
        Sweep(
            Kind.EXTENSION_PENDING.value,
            Kind.EXTENSION_PENDING,
            Rule.DISPATCHERS,
            lambda now, _since: _dues(
                selectors.extensions_waiting(now=now, kind=Kind.EXTENSION_PENDING)
            ),
        ),
        Sweep(
            Kind.RETURN_PENDING.value,
            Kind.RETURN_PENDING,
            Rule.DISPATCHERS,
            lambda now, _since: _dues(selectors.returns_waiting(now=now, kind=Kind.RETURN_PENDING)),
        ),
    ]
}
# Not a ticket sweep, but run on the same beat: the daily digests. (The outbox relay runs in its
# own process, `manage.py relay_outbox`, so it works while the broker or the worker does not.)
HOUSEKEEPING: dict[str, Callable[[datetime], int]] = {
    "digests": outbox.collect_digests,
}
NAMES = [*SWEEPS, *HOUSEKEEPING]


def run(name: str, now: datetime | None = None, *, recent: bool = False) -> int:
    now = now or timezone.now()
    if name in HOUSEKEEPING:
        return HOUSEKEEPING[name](now)
    return SWEEPS[name].run(now, recent=recent)
