"""Deadline arithmetic, table-driven (no database). Times are Asia/Shanghai unless noted."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tickets import sla
from tickets.sla import SHANGHAI, WorkCalendar

H = timedelta(hours=1)
D = timedelta(days=1)


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# The 2026 schedule around National Day: 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked.
CAL_2026 = WorkCalendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)) | {date(2026, 9, 25)},
    workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)


class Limits:
    def __init__(self, **kw):
        base = {
            "accept_limit": 2 * H,
            "dispatch_limit": 24 * H,
            "response_limit": 24 * H,
            "reply_limit": 7 * D,
            "callback_limit": 3 * D,
            "return_window": 24 * H,
            "working_days": False,
        }
        self.__dict__.update(base | kw)


EMERGENCY = Limits(dispatch_limit=1 * H, response_limit=2 * H, reply_limit=2 * H)
UTILITIES = Limits(dispatch_limit=2 * H, reply_limit=24 * H)
GENERAL = Limits()
COMPLEX = Limits(reply_limit=15 * D)


@pytest.mark.parametrize(
    ("limits", "dispatched", "reply_due"),
    [
        (EMERGENCY, bj(2026, 11, 26, 10, 0), bj(2026, 11, 26, 12, 0)),
        (UTILITIES, bj(2026, 11, 26, 10, 0), bj(2026, 11, 27, 10, 0)),
        (GENERAL, bj(2026, 11, 26, 10, 0), bj(2026, 12, 3, 10, 0)),
        (COMPLEX, bj(2026, 11, 26, 10, 0), bj(2026, 12, 11, 10, 0)),
    ],
    ids=["emergency", "utilities", "general", "complex"],
)
def test_reply_deadline_per_urgency_class_in_natural_time(limits, dispatched, reply_due):
    assert sla.reply_deadline(limits, dispatched) == reply_due


@pytest.mark.parametrize(
    ("limits", "accepted", "dispatch_due"),
    [
        (EMERGENCY, bj(2026, 11, 26, 23, 30), bj(2026, 11, 27, 0, 30)),
        (UTILITIES, bj(2026, 11, 26, 23, 30), bj(2026, 11, 27, 1, 30)),
        (GENERAL, bj(2026, 11, 26, 23, 30), bj(2026, 11, 27, 23, 30)),
    ],
    ids=["emergency", "utilities", "general"],
)
def test_dispatch_deadline_per_urgency_class(limits, accepted, dispatch_due):
    assert sla.dispatch_deadline(limits, accepted) == dispatch_due


WORKING = Limits(working_days=True)


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # Within one working day.
        (bj(2026, 11, 24, 10, 0), 2 * H, bj(2026, 11, 24, 12, 0)),
        # Friday 10:00 + 24 h skips the weekend: Monday 10:00.
        (bj(2026, 11, 27, 10, 0), 24 * H, bj(2026, 11, 30, 10, 0)),
        # Friday 10:00 + 7 working days: Tuesday of the week after next.
        (bj(2026, 11, 27, 10, 0), 7 * D, bj(2026, 12, 8, 10, 0)),
        # Started on a Saturday: counts from Monday 00:00.
        (bj(2026, 11, 28, 15, 0), 24 * H, bj(2026, 12, 1, 0, 0)),
        # Friday 23:59 + 2 h: one minute on Friday, the rest from Monday 00:00.
        (bj(2026, 11, 27, 23, 59), 2 * H, bj(2026, 11, 30, 1, 59)),
        # Exactly filling the rest of Friday ends at midnight, not on Monday.
        (bj(2026, 11, 27, 10, 0), 14 * H, bj(2026, 11, 28, 0, 0)),
    ],
    ids=["same-day", "over-weekend", "seven-days", "start-saturday", "2359-friday", "to-midnight"],
)
def test_working_days_across_weekends(start, limit, due):
    assert sla.add(start, limit, working_days=True, calendar=CAL_2026) == due


def test_working_days_skip_public_holiday():
    """Wednesday 30 Sep 2026 09:00 + 2 working days: 1–7 Oct are off, so day one ends on Thursday
    8 Oct 09:00 and day two on Friday 9 Oct 09:00."""
    start = bj(2026, 9, 30, 9, 0)
    assert sla.add(start, 2 * D, working_days=True, calendar=CAL_2026) == bj(2026, 10, 9, 9, 0)


def test_working_days_count_adjusted_working_saturday():
    """Friday 9 Oct 2026 + 24 h: Saturday 10 Oct is an adjusted working day (调休)."""
    start = bj(2026, 10, 9, 9, 0)
    assert sla.add(start, 24 * H, working_days=True, calendar=CAL_2026) == bj(2026, 10, 10, 9, 0)


def test_working_days_count_adjusted_working_sunday_as_start():
    """Started on Sunday 20 Sep 2026, a working day: the clock runs that day."""
    start = bj(2026, 9, 20, 8, 0)
    assert sla.add(start, 4 * H, working_days=True, calendar=CAL_2026) == bj(2026, 9, 20, 12, 0)


def test_the_same_limit_in_natural_time_ignores_the_calendar():
    start = bj(2026, 9, 30, 9, 0)
    assert sla.add(start, 2 * D, working_days=False, calendar=CAL_2026) == bj(2026, 10, 2, 9, 0)


def test_ticket_submitted_at_2359_shanghai_in_utc():
    """23:59 in Beijing is 15:59 UTC the same day; the working-day count uses the Beijing date."""
    start = datetime(2026, 11, 27, 15, 59, tzinfo=UTC)  # Friday 23:59 in Beijing
    due = sla.add(start, 24 * H, working_days=True, calendar=CAL_2026)
    assert due.tzinfo is UTC
    assert due.astimezone(SHANGHAI) == bj(2026, 11, 30, 23, 59)
    assert sla.accept_deadline(GENERAL, start) == datetime(2026, 11, 27, 17, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("replied", "reply_due", "callback_due"),
    [
        # Replied early: three days from the reply.
        (bj(2026, 11, 20, 10, 0), bj(2026, 11, 26, 10, 0), bj(2026, 11, 23, 10, 0)),
        # Replied late: three days from the reply deadline, which came first.
        (bj(2026, 11, 28, 10, 0), bj(2026, 11, 26, 10, 0), bj(2026, 11, 29, 10, 0)),
    ],
    ids=["on-time", "late"],
)
def test_callback_deadline_from_reply_or_reply_deadline(replied, reply_due, callback_due):
    assert (
        sla.callback_deadline(GENERAL, replied_at=replied, reply_due_at=reply_due) == callback_due
    )


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        sla.add(datetime(2026, 1, 1), H)


def test_warning_at_three_quarters():
    start = bj(2026, 11, 26, 8, 0)
    assert sla.warning_time(start, start + 8 * H, 0.75) == bj(2026, 11, 26, 14, 0)


def test_days_needed_covers_a_spring_festival_break():
    first, last = sla.days_needed(bj(2026, 2, 13, 9, 0), 7 * D)
    assert first == date(2026, 2, 13)
    assert last >= date(2026, 3, 10)
