"""The reminder sweeps find exactly what is due at the boundaries, and create each notice once."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from departments.models import Department
from tickets import outbox, services, sweeps
from tickets.models import Notification, UrgencyClass
from tickets.sla import SHANGHAI

from ..factories import DepartmentFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
US = timedelta(microseconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)
# A Tuesday morning in Beijing, away from any holiday.
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def notices(kind) -> set[tuple[int, str, datetime]]:
    return set(
        Notification.objects.filter(kind=kind).values_list(
            "ticket_id", "recipient__username", "deadline"
        )
    )


def run(name, *, recent=False) -> int:
    return sweeps.run(name, recent=recent)


MODES = pytest.mark.parametrize("recent", [False, True], ids=["full", "recent"])


# (soon sweep, deadline sweep, status, deadline field, limit, who is warned)
CLOCKS = {
    "accept": ("accept_soon", "accept_overdue", "submitted", "accept_due_at", "accept_limit",
               {"operator"}),
    "dispatch": ("dispatch_soon", "dispatch_overdue", "accepted", "dispatch_due_at",
                 "dispatch_limit", {"dispatcher"}),
    "response": ("response_soon", "response_overdue", "dispatched", "response_due_at",
                 "response_limit", {"handler"}),
    "reply, in progress": ("reply_soon", "reply_due", "in_progress", "reply_due_at",
                           "reply_limit", {"handler"}),
    "reply, not yet signed": ("reply_soon", "reply_due", "dispatched", "reply_due_at",
                              "reply_limit", {"handler"}),
    "callback": ("callback_due", "callback_overdue", "replied", "callback_due_at",
                 "callback_limit", {"callback"}),
}  # fmt: skip


@MODES
@pytest.mark.parametrize("clock", CLOCKS.values(), ids=CLOCKS.keys())
def test_warning_goes_out_exactly_when_the_warn_share_of_the_limit_has_gone(
    clock, recent, lifecycle, staff, urgency, frozen
):
    soon, _due, status, field, limit, warned = clock
    ticket = lifecycle(status)
    frozen.move_to(T0 + MIN)
    later = lifecycle(status)
    elsewhere = lifecycle("closed")  # another status: never found
    deadline = getattr(ticket, field)
    lead = getattr(urgency["general"], limit) / 4  # 75% of the limit has gone

    frozen.move_to(deadline - lead - US)
    assert run(soon, recent=recent) == 0
    frozen.move_to(deadline - lead)
    assert run(soon, recent=recent) == len(warned)
    assert notices(soon) == {(ticket.pk, user, deadline) for user in warned}
    assert run(soon, recent=recent) == 0  # a second run finds nothing new

    frozen.move_to(getattr(later, field) - lead)
    run(soon, recent=recent)
    found = {pk for pk, _user, _deadline in notices(soon)}
    assert found == {ticket.pk, later.pk} and elsewhere.pk not in found


@MODES
@pytest.mark.parametrize("clock", CLOCKS.values(), ids=CLOCKS.keys())
def test_deadline_notice_goes_out_exactly_at_the_deadline(clock, recent, lifecycle, frozen):
    soon, due, status, field, _limit, warned = clock
    ticket = lifecycle(status)
    frozen.move_to(T0 + MIN)
    later = lifecycle(status)
    deadline = getattr(ticket, field)

    frozen.move_to(deadline - US)
    assert run(due, recent=recent) == 0
    frozen.move_to(deadline)
    assert run(due, recent=recent) == len(warned)
    assert notices(due) == {(ticket.pk, user, deadline) for user in warned}
    assert run(due, recent=recent) == 0
    # Past its deadline a ticket is no longer "soon"; the later one still is (a full sweep sees
    # it: its warning moment is longer ago than the recent sweeps' look-back).
    run(soon)
    assert {pk for pk, _u, _d in notices(soon)} == {later.pk}


def test_a_ticket_first_seen_after_its_deadline_gets_only_the_deadline_notice(lifecycle, frozen):
    ticket = lifecycle("submitted")
    frozen.move_to(ticket.accept_due_at + 3 * H)  # the sweeps did not run meanwhile
    assert run("accept_soon") == 0
    assert run("accept_overdue") == 1


def test_extended_reply_deadline_is_warned_again_for_the_new_deadline(lifecycle, staff, frozen):
    ticket = lifecycle("in_progress")
    old = ticket.reply_due_at
    frozen.move_to(old - 42 * H)
    assert run("reply_soon") == 1
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调", reply_due_at=old + 5 * D
    )
    services.ticket_decide_extension(ticket_id=ticket.pk, actor=staff["dispatcher"], approve=True)
    assert run("reply_soon") == 0
    frozen.move_to(old + 5 * D - 42 * H)
    assert run("reply_soon") == 1
    assert {d for _pk, _u, d in notices(Kind.REPLY_SOON)} == {old, old + 5 * D}


def test_overdue_reply_escalates_to_unit_head_and_supervisor_at_most_daily(lifecycle, frozen):
    ticket = lifecycle("in_progress")
    due = ticket.reply_due_at
    frozen.move_to(due - US)
    assert run("reply_overdue") == 0
    frozen.move_to(due)
    assert run("reply_overdue") == 2
    assert notices(Kind.REPLY_OVERDUE) == {
        (ticket.pk, "head", due),
        (ticket.pk, "supervisor", due),
    }
    frozen.move_to(due + D - US)
    assert run("reply_overdue") == 0
    frozen.move_to(due + D)
    assert run("reply_overdue") == 2
    # Two days without sweeps: one escalation for today, none to catch up.
    frozen.move_to(due + 3 * D + 5 * H)
    assert run("reply_overdue") == 2
    assert sorted({d for _pk, _u, d in notices(Kind.REPLY_OVERDUE)}) == [
        due,
        due + D,
        due + 3 * D,
    ]
    row = Notification.objects.filter(kind=Kind.REPLY_OVERDUE).first()
    assert row.data == {"since": due.isoformat()}


def test_recent_sweeps_see_only_what_came_due_within_the_look_back(lifecycle, frozen, settings):
    """The minute's sweeps skip a ticket that fell due long ago and did not change since (the
    sweeps were down); the hourly full sweep finds it."""
    settings.PORTAL_SWEEP_LOOKBACK = 900
    ticket = lifecycle("in_progress")
    frozen.move_to(ticket.reply_due_at + 15 * MIN - US)
    assert run("reply_due", recent=True) == 1
    Notification.objects.all().delete()
    frozen.move_to(ticket.reply_due_at + 15 * MIN)
    assert run("reply_due", recent=True) == 0
    assert run("reply_overdue", recent=True) == 0
    assert run("reply_due") == 1
    assert run("reply_overdue") == 2


def test_recent_sweeps_see_a_ticket_that_changed_with_its_deadline_already_passed(
    lifecycle, staff, frozen
):
    """A reply four days late starts a callback clock that ran out a day ago."""
    ticket = lifecycle("in_progress")
    frozen.move_to(ticket.reply_due_at + 4 * D)
    services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已安装")
    ticket.refresh_from_db()
    assert ticket.callback_due_at == ticket.reply_due_at + 3 * D
    assert run("callback_overdue", recent=True) == 1


def test_recent_sweeps_escalate_once_and_full_sweeps_repeat_daily(lifecycle, frozen):
    ticket = lifecycle("in_progress")
    frozen.move_to(ticket.reply_due_at)
    assert run("reply_overdue", recent=True) == 2
    frozen.move_to(ticket.reply_due_at + D)
    assert run("reply_overdue", recent=True) == 0
    assert run("reply_overdue") == 2


def test_replied_ticket_is_not_escalated(lifecycle, frozen):
    ticket = lifecycle("replied")
    frozen.move_to(ticket.reply_due_at + D)
    assert run("reply_overdue") == 0


def test_pending_extension_is_announced_to_dispatchers_once(lifecycle, staff, frozen):
    ticket = lifecycle("in_progress")
    lifecycle("in_progress")  # no request: not found
    frozen.move_to(T0 + H)
    extension = services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需协调",
        reply_due_at=ticket.reply_due_at + 3 * D,
    )
    assert run("extension_pending") == 1
    assert run("extension_pending") == 0
    assert notices(Kind.EXTENSION_PENDING) == {(ticket.pk, "dispatcher", extension.requested_at)}
    services.ticket_decide_extension(ticket_id=ticket.pk, actor=staff["dispatcher"], approve=True)
    frozen.move_to(T0 + 2 * H)
    assert run("extension_pending") == 0


def test_returned_ticket_is_announced_until_dispatched_again(lifecycle, staff, units, frozen):
    ticket = lifecycle("dispatched")
    lifecycle("accepted")  # accepted, never returned: not found
    reopened = lifecycle("closed")
    services.ticket_reopen(ticket_id=reopened.pk, actor=staff["supervisor"], reason="未解决")
    frozen.move_to(T0 + H)
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本单位")
    ticket.refresh_from_db()
    assert run("return_pending") == 1
    assert notices(Kind.RETURN_PENDING) == {(ticket.pk, "dispatcher", ticket.dispatch_due_at)}
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["bureau"])
    assert run("return_pending") == 0


@MODES
def test_working_day_classes_are_warned_in_working_time(recent, lifecycle, urgency):
    """Dispatched on a Thursday, a 7-working-day reply is due the Monday after next at 09:00;
    42 working hours before that is Thursday 15:00 (natural time would say Saturday)."""
    UrgencyClass.objects.filter(code="general").update(working_days=True)
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(thursday, tick=False) as frozen:
        ticket = lifecycle("in_progress")
        assert ticket.reply_due_at == datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
        warn = datetime(2026, 12, 3, 15, 0, tzinfo=SHANGHAI)
        frozen.move_to(warn - US)
        assert run("reply_soon", recent=recent) == 0
        frozen.move_to(warn)
        assert run("reply_soon", recent=recent) == 1


# --- recipients --------------------------------------------------------------------------


def test_a_unit_without_handlers_is_warned_through_its_head(lifecycle, staff, units, frozen):
    ticket = lifecycle("accepted")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["district"])
    ticket.refresh_from_db()
    frozen.move_to(ticket.response_due_at)
    run("response_overdue")
    assert {u for _pk, u, _d in notices(Kind.RESPONSE_OVERDUE)} == {"district_head"}


def test_a_unit_with_nobody_is_warned_through_the_hotline_supervisors(lifecycle, staff, frozen):
    empty = DepartmentFactory(code="empty-unit", kind=Department.Kind.MUNICIPAL_DEPARTMENT)
    ticket = lifecycle("accepted")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=empty)
    ticket.refresh_from_db()
    frozen.move_to(ticket.response_due_at)
    run("response_overdue")
    assert {u for _pk, u, _d in notices(Kind.RESPONSE_OVERDUE)} == {"supervisor"}
    frozen.move_to(ticket.reply_due_at)
    run("reply_overdue")
    assert {u for _pk, u, _d in notices(Kind.REPLY_OVERDUE)} == {"supervisor"}


def test_inactive_staff_are_not_warned(lifecycle, staff, frozen):
    get_user_model().objects.filter(username="operator").update(is_active=False)
    ticket = lifecycle("submitted")
    frozen.move_to(ticket.accept_due_at)
    run("accept_overdue")
    assert {u for _pk, u, _d in notices(Kind.ACCEPT_OVERDUE)} == {"supervisor"}


def test_staff_with_an_address_get_email_the_others_an_admin_notice(lifecycle, staff, frozen):
    get_user_model().objects.filter(username="head").update(email="head@example.org")
    ticket = lifecycle("in_progress")
    frozen.move_to(ticket.reply_due_at)
    run("reply_overdue")
    rows = {
        r.recipient.username: r
        for r in Notification.objects.filter(kind=Kind.REPLY_OVERDUE).select_related("recipient")
    }
    assert (rows["head"].channel, rows["head"].status) == ("email", "pending")
    assert (rows["supervisor"].channel, rows["supervisor"].status) == ("admin", "sent")
    assert rows["supervisor"].sent_at == ticket.reply_due_at


# --- the daily digest --------------------------------------------------------------------


def test_digest_unit_gets_its_warnings_once_a_day(
    lifecycle, staff, units, frozen, mailoutbox, django_capture_on_commit_callbacks
):
    Department.objects.filter(pk=units["street"].pk).update(daily_digest=True)
    get_user_model().objects.filter(username__in=["handler", "head"]).update(
        email="street@example.org"
    )
    first, second = lifecycle("in_progress"), lifecycle("in_progress")
    frozen.move_to(first.reply_due_at)  # Tuesday 09:00, a week later
    run("reply_due")
    run("reply_overdue")
    held = Notification.objects.filter(kind=Kind.REPLY_DUE)
    assert set(held.values_list("status", flat=True)) == {"held"}
    # Escalations are never held.
    assert set(
        Notification.objects.filter(
            kind=Kind.REPLY_OVERDUE, recipient__username="head"
        ).values_list("status", flat=True)
    ) == {"pending"}

    frozen.move_to(datetime(2026, 12, 1, 7, 59, tzinfo=SHANGHAI))
    assert run("digests") == 0
    frozen.move_to(datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    with pytest.MonkeyPatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        queued = []
        patch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
        assert run("digests") == 1
        assert run("digests") == 0
    (digest,) = Notification.objects.filter(kind=Kind.DIGEST)
    assert digest.recipient.username == "handler" and queued == [digest.pk]
    assert set(digest.items.values_list("ticket_id", flat=True)) == {first.pk, second.pk}

    mailoutbox.clear()
    assert outbox.deliver(digest.pk).outcome == "sent"
    (mail,) = mailoutbox
    assert first.number in mail.body and second.number in mail.body
    assert set(held.values_list("status", flat=True)) == {"sent"}


# --- running twice, and side by side -----------------------------------------------------


@pytest.fixture
def busy_city(lifecycle, staff, frozen):
    """Tickets in every open status, and a pending extension; a month later all is overdue."""
    for status in ("submitted", "accepted", "dispatched", "in_progress", "replied"):
        lifecycle(status)
    ticket = lifecycle("in_progress")
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调",
        reply_due_at=ticket.reply_due_at + D,
    )  # fmt: skip
    frozen.move_to(T0 + 30 * D)


def test_every_sweep_run_twice_creates_nothing_the_second_time(busy_city):
    first = {name: run(name) for name in sweeps.NAMES}
    assert sum(first.values()) >= 8
    count = Notification.objects.count()
    assert {name: run(name) for name in sweeps.NAMES} == dict.fromkeys(sweeps.NAMES, 0)
    assert Notification.objects.count() == count


def test_new_notices_are_enqueued_only_after_commit(
    busy_city, django_capture_on_commit_callbacks, monkeypatch
):
    get_user_model().objects.filter(username="operator").update(email="op@example.org")
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert run("accept_overdue") == 1
    assert queued == [] and len(callbacks) == 1
    callbacks[0]()
    staff_rows = Notification.objects.filter(recipient__isnull=False)
    assert queued == list(staff_rows.values_list("pk", flat=True))


def test_a_backlog_is_worked_off_in_batches(lifecycle, frozen, settings):
    settings.PORTAL_SWEEP_BATCH = 2
    tickets = [lifecycle("submitted") for _ in range(3)]
    frozen.move_to(T0 + D)
    assert [run("accept_overdue") for _ in range(3)] == [2, 1, 0]
    assert {pk for pk, _u, _d in notices(Kind.ACCEPT_OVERDUE)} == {t.pk for t in tickets}


@MODES
def test_a_sweep_with_nothing_due_reads_tickets_once(
    recent, lifecycle, frozen, django_assert_num_queries
):
    lifecycle("in_progress")
    with django_assert_num_queries(1):
        assert run("reply_due", recent=recent) == 0
    with django_assert_num_queries(2):  # the urgency classes, then the tickets
        assert run("reply_soon", recent=recent) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_side_by_side_create_each_notice_once(busy_city, monkeypatch):
    """Both find the same overdue tickets, then insert at the same moment: the second insert
    waits for the first's uncommitted rows and skips them."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    create = outbox.create
    offered, created = {}, {}

    def create_together(rows):
        offered[threading.current_thread().name] = len(rows)
        barrier.wait(10)
        return create(rows)

    monkeypatch.setattr(outbox, "create", create_together)

    def sweep():
        try:
            created[threading.current_thread().name] = run("reply_overdue")
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep, name=name) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    rows = list(
        Notification.objects.filter(kind=Kind.REPLY_OVERDUE).values_list(
            "ticket_id", "recipient_id", "deadline"
        )
    )
    assert offered["a"] == offered["b"] == len(rows) > 2
    assert len(set(rows)) == len(rows)
    assert created["a"] + created["b"] == len(rows)
