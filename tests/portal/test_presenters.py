"""What the tracking page says about deadlines and events (pure: no database)."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import translation

from portal.presenters import deadlines, timeline
from tickets.sla import SHANGHAI

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def in_english():
    """The wording is checked in English (the msgids); Chinese is the site's default."""
    with translation.override("en"):
        yield


H = timedelta(hours=1)


def ticket(**fields):
    base = {
        "status": "in_progress",
        "outcome": "",
        "accept_due_at": None,
        "accepted_at": None,
        "dispatch_due_at": None,
        "dispatched_at": None,
        "response_due_at": None,
        "contacted_at": None,
        "reply_due_at": None,
        "replied_at": None,
        "callback_due_at": None,
        "closed_at": None,
    }
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("due", "done", "status", "now", "state"),
    [
        (T0, T0 - H, "in_progress", T0, "met"),
        (T0, T0, "in_progress", T0, "met"),  # on the minute is in time
        (T0, T0 + H, "in_progress", T0 + 2 * H, "late"),
        (T0, None, "in_progress", T0 - H, "open"),
        (T0, None, "in_progress", T0 + H, "overdue"),
        (T0, None, "closed", T0 + H, "skipped"),  # e.g. answered at intake
    ],
)
def test_a_deadline_is_met_late_running_overdue_or_not_needed(due, done, status, now, state):
    (row,) = deadlines(ticket(status=status, reply_due_at=due, replied_at=done), now)
    assert row.state == state and row.due == due and row.done == done
    assert row.state_label


def test_only_deadlines_that_were_set_are_listed_in_order():
    rows = deadlines(ticket(accept_due_at=T0, accepted_at=T0 - H, dispatch_due_at=T0 + H), T0)
    assert [row.label for row in rows] == ["Hotline acceptance", "Sent to the handling unit"]


def test_the_callback_counts_as_done_when_the_ticket_closed_after_it():
    rows = deadlines(
        ticket(status="closed", outcome="handled", callback_due_at=T0, closed_at=T0 - H), T0
    )
    assert rows[0].state == "met"


def event(action, note="", data=None, unit=None):
    return SimpleNamespace(
        action=action,
        note=note,
        data=data or {},
        unit=SimpleNamespace(name=unit, display_name=unit) if unit else None,
        unit_id=1 if unit else None,
        created_at=T0,
    )


def test_notes_are_shown_only_where_they_are_meant_for_the_resident():
    steps = timeline(
        [
            event("accept", note="internal: check the address"),
            event("dispatch", note="to the unit: caller is difficult", unit="和平街街道办事处"),
            event("reply", note="已安装楼牌。", unit="和平街街道办事处"),
        ]
    )
    assert [step.text for step in steps] == ["", "", "已安装楼牌。"]
    assert steps[1].title == "Sent to 和平街街道办事处 to handle"


def test_close_at_intake_says_why():
    (duplicate, referred) = timeline(
        [
            event("close_at_intake", data={"outcome": "duplicate", "duplicate_of": "2026"}),
            event("close_at_intake", data={"outcome": "referred", "referred_to": "110"}),
        ]
    )
    assert "2026" in duplicate.title and "110" in referred.title


def test_an_unreachable_callback_is_told_as_such():
    (step,) = timeline([event("record_callback", data={"valid": False})])
    assert step.title == "Callback: you could not be reached"
