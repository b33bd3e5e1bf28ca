"""The change feed (`tickets.changes`): committed changes in an order no late commit breaks.

The PostgreSQL tests commit their data (the horizon is the oldest running transaction of the
whole server, and a test's own open transaction would hide its changes); other sessions on a
shared server can only delay what the feed shows, so they wait for it with a deadline.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from tickets import changes, events, services
from tickets.changes import Cursor
from tickets.models import Ticket, TicketEvent

WAIT = 60  # seconds another session's long transaction may hold the horizon back


def read_all(after=changes.START, queryset=None, limit=100):
    """Every change visible now after `after`, and the cursor after them."""
    queryset = queryset if queryset is not None else TicketEvent.objects.all()
    found = []
    while True:
        page = changes.read(queryset, after, limit)
        found += page.events
        after = page.next
        if not page.more:
            return found, after


def wait_for(after, count, queryset=None):
    deadline = time.monotonic() + WAIT
    found = []
    while True:
        more, after = read_all(after, queryset)
        found += more
        if len(found) >= count or time.monotonic() > deadline:
            return found, after
        time.sleep(0.1)


def test_cursor_round_trip_and_refusals():
    assert Cursor.parse(str(Cursor(123, 45))) == Cursor(123, 45)
    assert Cursor(2, 0) > Cursor(1, 99) > Cursor(1, 98)
    for bad in ["", "1", "1-", "-1-2", "a-b", "1-2-3", f"{2**63}-1", "1 -2"]:
        with pytest.raises(ValueError):
            Cursor.parse(bad)


def test_event_types_name_every_action():
    assert changes.event_type("submit") == changes.event_type("phone_intake") == "ticket.created"
    assert changes.event_type("record_callback") == "ticket.record_callback"
    assert set(changes.actions_of(["ticket.created", "ticket.reopen", "nonsense"])) == {
        "submit",
        "phone_intake",
        "reopen",
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_event_records_its_transaction_and_one_transaction_shares_it(lifecycle):
    ticket = lifecycle("dispatched")
    txids = list(ticket.events.order_by("id").values_list("txid", flat=True))
    assert len(txids) == 3 and all(txids) and len(set(txids)) == 3
    assert txids == sorted(txids)  # later actions on one ticket have later transactions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_late_is_not_skipped(lifecycle, staff, monkeypatch):
    """A (begun first) is held before its commit while B commits. A poller keeping the highest
    `updated_at` seen skips A; the feed shows neither until A ends, then A and B, in order."""
    slow, fast = lifecycle("accepted"), lifecycle("accepted")
    _seen, cursor = wait_for(changes.START, TicketEvent.objects.count())
    mark = Ticket.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()

    inside, release = threading.Event(), threading.Event()
    record = events.record

    def held_record(*args, **kwargs):
        event = record(*args, **kwargs)
        if threading.current_thread().name == "slow":
            inside.set()
            assert release.wait(30)
        return event

    monkeypatch.setattr(events, "record", held_record)
    outcome = {}

    def accept_slowly():
        try:
            outcome["slow"] = services.ticket_supervise(
                ticket_id=slow.pk, actor=staff["supervisor"], instruction="请加快办理"
            )
        finally:
            connection.close()

    thread = threading.Thread(target=accept_slowly, name="slow")
    thread.start()
    assert inside.wait(30)
    services.ticket_supervise(ticket_id=fast.pk, actor=staff["supervisor"], instruction="请核实")

    # The `updated_after` poller sees B only, and moves its mark past A's time.
    polled = Ticket.objects.filter(updated_at__gt=mark).order_by("updated_at")
    assert [t.pk for t in polled] == [fast.pk]
    mark = polled.last().updated_at
    # The feed shows nothing while A, begun before B, may still commit.
    shown, cursor = read_all(cursor)
    assert shown == []

    release.set()
    thread.join(30)
    assert isinstance(outcome.get("slow"), Ticket)
    assert not Ticket.objects.filter(updated_at__gt=mark).exists()  # A is lost to the poller
    shown, cursor = wait_for(cursor, 2)
    assert [(e.ticket_id, e.action) for e in shown] == [
        (slow.pk, "supervise"),
        (fast.pk, "supervise"),
    ]
    assert read_all(cursor)[0] == []  # and each change once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_appears_and_does_not_stop_the_feed(lifecycle, staff):
    ticket = lifecycle("accepted")
    _seen, cursor = wait_for(changes.START, TicketEvent.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        TicketEvent.objects.create(
            ticket=ticket, action="add_note", to_status="accepted", created_at=ticket.updated_at
        )
        raise RuntimeError("refused")
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="请办理")
    shown, _cursor = wait_for(cursor, 1)
    assert [e.action for e in shown] == ["supervise"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_that_is_not_full_moves_the_cursor_to_the_horizon(lifecycle):
    lifecycle("accepted")
    nothing = TicketEvent.objects.none()
    page = changes.read(nothing, changes.START, 10)
    assert page.events == [] and not page.more
    assert page.next.txid > 0 and page.next.event == 0
    # Everything committed so far sorts before that cursor.
    deadline = time.monotonic() + WAIT
    while changes.read(TicketEvent.objects.all(), page.next, 10).events:
        assert time.monotonic() < deadline
        page = changes.read(nothing, changes.START, 10)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_head_is_after_everything_committed(lifecycle):
    lifecycle("dispatched")
    deadline = time.monotonic() + WAIT
    while read_all(changes.head())[0]:
        assert time.monotonic() < deadline  # another session's transaction is still open
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pages_follow_one_another_without_gaps_or_repeats(lifecycle):
    for _ in range(3):
        lifecycle("dispatched")
    expected = list(TicketEvent.objects.order_by("txid", "id").values_list("pk", flat=True))
    found, _cursor = wait_for(changes.START, len(expected))
    pages, after = [], changes.START
    while True:
        page = changes.read(TicketEvent.objects.all(), after, 2)
        pages.append([e.pk for e in page.events])
        after = page.next
        if not page.more:
            break
    assert [e.pk for e in found] == expected == [pk for p in pages for pk in p]
    assert all(len(p) <= 2 for p in pages)


@pytest.mark.django_db
def test_without_a_horizon_ids_are_the_order(lifecycle, monkeypatch):
    """SQLite's single writer: no horizon, event ids in commit order."""
    monkeypatch.setattr(changes, "horizon", lambda: None)
    lifecycle("dispatched")
    shown, cursor = read_all()
    assert [e.action for e in shown] == ["submit", "accept", "dispatch"]
    assert cursor == Cursor(shown[-1].txid, shown[-1].pk)
    assert read_all(cursor)[0] == []
    assert changes.head() == Cursor(shown[-1].txid, shown[-1].pk)
