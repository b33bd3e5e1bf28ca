"""Concurrent actions on one ticket, with real separate PostgreSQL connections (threads)."""

import threading
import time

import pytest
from django.db import connection

from tickets import events, services
from tickets.exceptions import TransitionNotAllowed
from tickets.models import Assignment, Ticket, TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_thread(name, func, results):
    def target():
        try:
            results[name] = func()
        except Exception as error:  # collected for the assertions
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def test_two_concurrent_dispatches_exactly_one_succeeds(lifecycle, staff, units):
    ticket = lifecycle("accepted")
    barrier = threading.Barrier(2)
    results = {}

    def dispatch(unit):
        def call():
            barrier.wait()
            return services.ticket_dispatch(
                ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units[unit]
            )

        return call

    threads = [
        run_in_thread("a", dispatch("street"), results),
        run_in_thread("b", dispatch("other_street"), results),
    ]
    for thread in threads:
        thread.join(10)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Ticket", "TransitionNotAllowed"]
    assert TicketEvent.objects.filter(ticket=ticket, action="dispatch").count() == 1
    assert Assignment.objects.filter(ticket=ticket, role="lead", active=True).count() == 1


def test_second_dispatch_waits_for_the_row_lock_then_sees_the_new_status(
    lifecycle, staff, units, monkeypatch
):
    """The first dispatch is held inside its transaction (after its update, before commit);
    the second blocks on the row lock instead of reading the stale status, then is refused."""
    ticket = lifecycle("accepted")
    inside, release = threading.Event(), threading.Event()
    record = events.record

    def held_record(*args, **kwargs):
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)
        return record(*args, **kwargs)

    monkeypatch.setattr(events, "record", held_record)
    results = {}
    first = run_in_thread(
        "first",
        lambda: services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"]
        ),
        results,
    )
    assert inside.wait(10)
    second = run_in_thread(
        "second",
        lambda: services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["other_street"]
        ),
        results,
    )
    time.sleep(0.5)
    assert second.is_alive(), "the second dispatch did not wait for the row lock"
    release.set()
    first.join(10)
    second.join(10)
    assert isinstance(results["first"], Ticket)
    assert isinstance(results["second"], TransitionNotAllowed)
    assert Ticket.objects.get(pk=ticket.pk).lead_unit == units["street"]


def test_concurrent_submissions_get_unique_consecutive_numbers(submit):
    results = {}
    barrier = threading.Barrier(4)

    def batch():
        barrier.wait()
        return [submit().number for _ in range(10)]

    threads = [run_in_thread(f"t{i}", batch, results) for i in range(4)]
    for thread in threads:
        thread.join(30)
    numbers = [n for r in results.values() for n in r]
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 41))
