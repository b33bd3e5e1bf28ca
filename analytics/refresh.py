"""Recomputing the summary tables, one day or one month at a time, exactly.

Invariants:
- every summary row is a function of tickets, assignments, callbacks and reviews alone;
  recomputing a period deletes its rows and inserts them again from a GROUP BY, in one
  transaction, so a refreshed period equals a rebuilt one;
- day-keyed tables (intake, place × category, repeats) are recomputed per Beijing day;
  month-keyed ones (units, categories) per month;
- `refresh_dirty` (the Celery task runs it on a schedule) recomputes the days tickets changed
  since its last run touched, found from `Ticket.updated_at`, and the days `mark_dirty` recorded
  for changes that do not touch a ticket (reviews); `rebuild` recomputes any period.
"""

import inspect
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import wraps
from hashlib import sha1

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from tickets.models import Assignment, Callback, Ticket
from tickets.sla import SHANGHAI

from .models import (
    CategoryMonth,
    DailyIntake,
    DirtyPeriod,
    PlaceCategoryDay,
    RefreshState,
    RepeatDemand,
    UnitMonth,
)

REPEAT_WINDOW = timedelta(days=30)


# -- periods --------------------------------------------------------------------------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def this_month() -> date:
    return month_of(local_day(timezone.now()))


def last_month() -> date:
    """The last complete month: the default of the rankings and the public statistics."""
    return previous_month(this_month())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(month, time.min, tzinfo=SHANGHAI),
        datetime.combine(next_month(month), time.min, tzinfo=SHANGHAI),
    )


# -- marking ----------------------------------------------------------------------------------


def mark_dirty(days: Iterable[date]) -> None:
    """Record days whose summaries are stale (idempotent; cheap enough to call on every change)."""
    rows = [DirtyPeriod(day=day) for day in set(days)]
    if rows:
        DirtyPeriod.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["day"], update_fields=["marked_at"]
        )


# -- day tables -------------------------------------------------------------------------------


def refresh_day(day: date) -> None:
    start, end = day_bounds(day)
    submitted = Ticket.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    with transaction.atomic():
        DailyIntake.objects.filter(day=day).delete()
        DailyIntake.objects.bulk_create(
            DailyIntake(day=day, channel=row["channel"], kind=row["kind"], tickets=row["n"])
            for row in submitted.values("channel", "kind").annotate(n=Count("pk")).order_by()
        )
        PlaceCategoryDay.objects.filter(day=day).delete()
        PlaceCategoryDay.objects.bulk_create(
            PlaceCategoryDay(
                day=day,
                month=month_of(day),
                region_id=row["region"],
                district_id=row["district"],
                street_id=row["street"],
                category_id=row["category"],
                tickets=row["n"],
            )
            for row in submitted.values("region", "district", "street", "category")
            .annotate(n=Count("pk"))
            .order_by()
        )
        RepeatDemand.objects.filter(day=day).delete()
        RepeatDemand.objects.bulk_create(_repeats(day, start, end))


def _repeats(day, start, end):
    """Tickets of `day` with an earlier ticket of the same resident, or of the same address and
    category, within 30 days: one window query per basis over the 30 days before `day`.

    (Raw SQL: the ORM would apply the date filter before the window, hiding earlier tickets.)
    """
    qn = connection.ops.quote_name
    table = qn(Ticket._meta.db_table)
    bases = [
        (RepeatDemand.Basis.RESIDENT, "citizen_id", "citizen_id IS NOT NULL"),
        (RepeatDemand.Basis.ADDRESS, "address, category_id", "address <> ''"),
    ]
    for basis, partition, condition in bases:
        sql = f"""
            SELECT id, earlier_id, earlier_at, submitted_at FROM (
                SELECT id, submitted_at,
                       LAG(id) OVER w AS earlier_id, LAG(submitted_at) OVER w AS earlier_at
                FROM {table}
                WHERE submitted_at >= %s AND submitted_at < %s AND {condition}
                WINDOW w AS (PARTITION BY {partition} ORDER BY submitted_at, id)
            ) AS ordered
            WHERE submitted_at >= %s AND earlier_id IS NOT NULL
        """
        field = Ticket._meta.get_field("submitted_at")
        params = [
            field.get_db_prep_value(value, connection)
            for value in (start - REPEAT_WINDOW, end, start)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for pk, earlier_id, earlier_at, at in rows:
            earlier_at, at = _aware(earlier_at), _aware(at)
            if at - earlier_at <= REPEAT_WINDOW:
                yield RepeatDemand(ticket_id=pk, earlier_id=earlier_id, basis=basis, day=day)


def _aware(value):
    """Raw SQLite rows give text or naive UTC datetimes; PostgreSQL gives aware ones."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- month tables -----------------------------------------------------------------------------

CALLBACK_COUNTS = {
    "valid": Q(valid=True),
    "contacted": Q(valid=True, contacted=True),
    "solved": Q(valid=True, solved=True),
    "satisfied": Q(valid=True, satisfaction=Callback.Satisfaction.SATISFIED),
    "basically": Q(valid=True, satisfaction=Callback.Satisfaction.BASICALLY_SATISFIED),
}


def _callback_aggregates():
    """UnitMonth field → aggregate, keyed `n__<field>` (an annotation may not shadow a field)."""
    aggregates = {"n__invalid": Count("pk", filter=Q(valid=False))}
    for name, condition in CALLBACK_COUNTS.items():
        aggregates[f"n__{name}"] = Count("pk", filter=condition)
        for reason in ("repeat", "unreasonable"):
            aggregates[f"n__{reason}_{name}"] = Count(
                "pk", filter=condition & Q(review__reason=reason)
            )
    return aggregates


def _counts(row: dict) -> dict:
    return {key.removeprefix("n__"): value for key, value in row.items() if key.startswith("n__")}


def refresh_month(month: date) -> None:
    start, end = month_bounds(month)
    units: dict[int, dict] = {}

    def unit_row(unit_id, kind):
        return units.setdefault(unit_id, {"unit_id": unit_id, "unit_kind": kind})

    callbacks = Callback.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, unit__isnull=False
    )
    for row in callbacks.values("unit", "unit__kind").annotate(**_callback_aggregates()).order_by():
        unit_row(row["unit"], row["unit__kind"]).update(_counts(row))

    leads = Assignment.objects.filter(
        role=Assignment.Role.LEAD, dispatched_at__gte=start, dispatched_at__lt=end
    )
    deadlines = leads.values("unit", "unit__kind").annotate(
        n__dispatched=Count("pk"),
        n__dispatched_on_time=Count("pk", filter=Q(dispatched_at__lte=F("dispatch_due_at"))),
        n__contacted_on_time=Count("pk", filter=Q(contacted_at__lte=F("response_due_at"))),
        n__replied=Count("pk", filter=Q(replied_at__isnull=False)),
        n__replied_on_time=Count("pk", filter=Q(replied_at__lte=F("reply_due_at"))),
        n__returned=Count("pk", filter=Q(returned_at__isnull=False)),
    )
    for row in deadlines.order_by():
        unit_row(row["unit"], row["unit__kind"]).update(_counts(row))

    categories = _category_rows(month, start, end)
    with transaction.atomic():
        UnitMonth.objects.filter(month=month).delete()
        UnitMonth.objects.bulk_create(UnitMonth(month=month, **row) for row in units.values())
        CategoryMonth.objects.filter(month=month).delete()
        CategoryMonth.objects.bulk_create(
            CategoryMonth(month=month, **row) for row in categories.values()
        )


def _category_rows(month, start, end) -> dict[int, dict]:
    submitted = Ticket.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    reply_time = ExpressionWrapper(
        F("replied_at") - F("dispatched_at"), output_field=DurationField()
    )
    rows: dict[int, dict] = {}
    handled = Q(replied_at__isnull=False, dispatched_at__isnull=False)
    volume = submitted.values("category").annotate(
        n__tickets=Count("pk"),
        n__places=Count("region", distinct=True),
        n__replied=Count("pk", filter=handled),
        n__replied_late=Count("pk", filter=Q(replied_at__gt=F("reply_due_at"))),
        reply_time=Sum(reply_time, filter=handled),
    )
    for row in volume.order_by():
        duration = row["reply_time"]
        rows[row["category"]] = {
            **_counts(row),
            "reply_hours": duration.total_seconds() / 3600 if duration else 0.0,
        }
    callbacks = Callback.objects.filter(
        ticket__submitted_at__gte=start, ticket__submitted_at__lt=end
    )
    ratings = callbacks.values("ticket__category").annotate(
        **{
            f"n__{name}": Count("pk", filter=CALLBACK_COUNTS[name])
            for name in ("valid", "solved", "satisfied", "basically")
        }
    )
    for row in ratings.order_by():
        rows.setdefault(row["ticket__category"], {}).update(_counts(row))
    return {pk: {"category_id": pk, **row} for pk, row in rows.items()}


# -- draining and rebuilding ---------------------------------------------------------------------


# Changes are found from the tickets' `updated_at` (indexed) since the last refresh, with an
# overlap: a transaction that saved a ticket just before the last refresh started may have
# committed just after it. Recomputing a period twice is harmless.
OVERLAP = timedelta(minutes=10)


def changed_days(since: datetime, now: datetime) -> set[date]:
    """The days whose summaries a ticket change since `since` can have altered: the submission
    and dispatch days of every ticket changed since, and every day from `since` to now (the
    events themselves: dispatches, callbacks)."""
    days = {
        local_day(since) + timedelta(days=i)
        for i in range((local_day(now) - local_day(since)).days + 1)
    }
    changed = Ticket.objects.filter(updated_at__gt=since).values_list(
        "submitted_at", "dispatched_at"
    )
    # A transaction keeps the server-side cursor on one connection behind PgBouncer.
    with transaction.atomic():
        for submitted, dispatched in changed.iterator(chunk_size=2000):
            days.add(local_day(submitted))
            if dispatched:
                days.add(local_day(dispatched))
    return days


def refresh_dirty() -> int:
    """Recompute what changed since the last refresh (see `changed_days`), plus the days marked
    by other changes (reviews), and their months; return how many days. The first run, with no
    earlier refresh, recomputes everything.

    A day marked again while it is being recomputed keeps its mark (its `marked_at` moved on),
    so no change is lost between the read and the delete.
    """
    now = timezone.now()
    state, _created = RefreshState.objects.get_or_create(name=RefreshState.SUMMARIES)
    marks = list(DirtyPeriod.objects.all())
    days = {mark.day for mark in marks}
    if state.refreshed_until is None:
        days |= set(ticket_days())
    else:
        days |= changed_days(state.refreshed_until - OVERLAP, now)
    for day in sorted(days):
        refresh_day(day)
    for month in sorted({month_of(day) for day in days}):
        refresh_month(month)
    for mark in marks:
        DirtyPeriod.objects.filter(day=mark.day, marked_at=mark.marked_at).delete()
    state.refreshed_until = now
    state.save(update_fields=["refreshed_until"])
    if days:
        published()
    return len(days)


def ticket_days(first: date | None = None, last: date | None = None) -> list[date]:
    """Every Beijing day from the first ticket (or `first`) to today (or `last`)."""
    if first is None:
        oldest = (
            Ticket.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        )
        if oldest is None:
            return []
        first = local_day(oldest)
    last = last or local_day(timezone.now())
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def rebuild(days: list[date], progress=None, *, complete: bool = False) -> None:
    """Recompute the given days and every month they fall in. `complete`: these are all the
    days there are, so later refreshes need only look at changes from now on."""
    started = timezone.now()
    for day in days:
        refresh_day(day)
        if progress:
            progress(1)
    for month in sorted({month_of(d) for d in days}):
        refresh_month(month)
        if progress:
            progress(0)
    if complete:
        RefreshState.objects.update_or_create(
            name=RefreshState.SUMMARIES, defaults={"refreshed_until": started}
        )
    published()


def published() -> None:
    """Record that summaries changed now: pages cached from older ones are not served again."""
    RefreshState.objects.update_or_create(
        name=RefreshState.PUBLISHED, defaults={"refreshed_until": timezone.now()}
    )


def published_at() -> datetime | None:
    return (
        RefreshState.objects.filter(name=RefreshState.PUBLISHED)
        .values_list("refreshed_until", flat=True)
        .first()
    )


FINDINGS_CACHE_SECONDS = 24 * 3600


def until_next_refresh(func):
    """Cache `func`'s result (a finding computed from the summaries) until the summaries are
    next replaced: one entry per call's arguments, holding the result with the `published_at()`
    it was computed from (one small read per call); a newer publication recomputes it in place,
    so refreshes every five minutes do not pile up entries.

    At ten million tickets the hotspots' history (six months of per-day community rows, 2.6 M)
    takes a second to add up, the topics' distinct communities half a second; the summaries change
    once per refresh, so each finding is computed once per refresh — by the refresh task itself
    (`warm_findings`), not by the first analyst to open the page. Summaries that were never
    published (rows written directly, as tests do) are not cached."""
    signature = inspect.signature(func)

    @wraps(func)
    def wrapped(*args, **kwargs):
        stamp = published_at()
        if stamp is None:
            return func(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = sha1(repr(sorted(bound.arguments.items())).encode()).hexdigest()
        key = f"findings:{func.__module__}.{func.__qualname__}:{arguments}"
        cached = cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        value = func(*args, **kwargs)
        cache.set(key, (stamp, value), FINDINGS_CACHE_SECONDS)
        return value

    return wrapped


def build_all() -> int:
    """Bring the summaries up to date with every ticket there is: a full rebuild when they were
    never built, else a refresh of what changed; returns how many days were recomputed."""
    if RefreshState.objects.filter(
        name=RefreshState.SUMMARIES, refreshed_until__isnull=False
    ).exists():
        return refresh_dirty()
    days = ticket_days()
    rebuild(days, complete=True)
    return len(days)
