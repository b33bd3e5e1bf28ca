"""Deadline arithmetic. Pure: no database, no clock; callers pass the start time and calendar.

Invariants:
- inputs and outputs are aware datetimes; the result is in the same timezone as the start;
- local dates are those of Asia/Shanghai (UTC+8 all year: China has no daylight saving time);
- in natural time a limit is plain elapsed time;
- in working days, time only runs on working days (Monday–Friday, minus holidays, plus
  adjusted working days 调休), whole days 00:00–24:00: a 24 h limit is one working day, 7 days are
  seven working days. A start on a non-working day counts from the next working day's 00:00.
- the callback is due `callback_limit` after the reply or after the reply deadline,
  whichever comes first (DESIGN.md §3).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from .workflow import Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)
# Longest search for working days; China's longest break (Spring Festival) is nine days.
_MAX_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """Exceptions to the Monday–Friday week."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


NATURAL = WorkCalendar()


class Limits(Protocol):
    """What an urgency class provides (the `UrgencyClass` model satisfies it)."""

    accept_limit: timedelta
    dispatch_limit: timedelta
    response_limit: timedelta
    reply_limit: timedelta
    callback_limit: timedelta
    return_window: timedelta
    working_days: bool


def add(
    start: datetime,
    limit: timedelta,
    *,
    working_days: bool = False,
    calendar: WorkCalendar = NATURAL,
    tz: ZoneInfo = SHANGHAI,
) -> datetime:
    """The moment `limit` after `start`, in natural time or counted over working days."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if limit < timedelta(0):
        raise ValueError("limit must not be negative")
    if not working_days:
        return start + limit
    local = start.astimezone(tz)
    day = local.date()
    # Time already spent in the start day, if it is a working day.
    offset = local - datetime.combine(day, time.min, tzinfo=tz)
    if not calendar.is_working_day(day):
        day, offset = _next_working_day(day, calendar), timedelta(0)
    remaining = limit + offset
    for _ in range(_MAX_DAYS):
        if remaining <= DAY:
            due = datetime.combine(day, time.min, tzinfo=tz) + remaining
            return due.astimezone(start.tzinfo)
        remaining -= DAY
        day = _next_working_day(day, calendar)
    raise ValueError("limit is longer than the calendar search allows")


def _next_working_day(day: date, calendar: WorkCalendar) -> date:
    for _ in range(_MAX_DAYS):
        day += DAY
        if calendar.is_working_day(day):
            return day
    raise ValueError("no working day within ten years")


def days_needed(start: datetime, limit: timedelta) -> tuple[date, date]:
    """The date range a calendar must cover to compute `add(start, limit)` in working days."""
    first = start.astimezone(SHANGHAI).date()
    # Generous: each working day may be preceded by up to a fortnight of holidays and weekends.
    span = (limit // DAY + 1) * 3 + 30
    return first, first + timedelta(days=span)


def accept_deadline(limits: Limits, submitted_at: datetime, calendar=NATURAL) -> datetime:
    return add(
        submitted_at, limits.accept_limit, working_days=limits.working_days, calendar=calendar
    )


def dispatch_deadline(limits: Limits, accepted_at: datetime, calendar=NATURAL) -> datetime:
    return add(
        accepted_at, limits.dispatch_limit, working_days=limits.working_days, calendar=calendar
    )


def response_deadline(limits: Limits, dispatched_at: datetime, calendar=NATURAL) -> datetime:
    return add(
        dispatched_at, limits.response_limit, working_days=limits.working_days, calendar=calendar
    )


def reply_deadline(limits: Limits, dispatched_at: datetime, calendar=NATURAL) -> datetime:
    return add(
        dispatched_at, limits.reply_limit, working_days=limits.working_days, calendar=calendar
    )


def return_deadline(limits: Limits, dispatched_at: datetime, calendar=NATURAL) -> datetime:
    return add(
        dispatched_at, limits.return_window, working_days=limits.working_days, calendar=calendar
    )


def callback_deadline(
    limits: Limits, *, replied_at: datetime, reply_due_at: datetime | None, calendar=NATURAL
) -> datetime:
    start = min(replied_at, reply_due_at) if reply_due_at else replied_at
    return add(start, limits.callback_limit, working_days=limits.working_days, calendar=calendar)


def running_deadline(status, *, accept, dispatch, response, reply, callback) -> datetime | None:
    """The deadline whose clock runs in `status` (None when closed): accepting a submitted
    ticket, dispatching an accepted one, first contact (or the reply, if sooner) once dispatched,
    the reply while in progress, the callback once replied."""
    match status:
        case Status.SUBMITTED:
            return accept
        case Status.ACCEPTED:
            return dispatch
        case Status.DISPATCHED:
            return min((d for d in (response, reply) if d), default=None)
        case Status.IN_PROGRESS:
            return reply
        case Status.REPLIED:
            return callback
    return None


def warning_time(start: datetime, due: datetime, share: float) -> datetime:
    """When a warning is due: `share` (e.g. 0.75) of the way from `start` to `due`."""
    return start + (due - start) * share
