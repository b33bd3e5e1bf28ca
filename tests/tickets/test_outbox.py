"""Delivering outbox rows: once, with attempts and errors recorded; retries, relay, retry action."""

import logging
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tickets import outbox
from tickets.models import Notification
from tickets.sla import SHANGHAI

from . import recording_sms

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.PORTAL_SMS_BACKEND = "tests.tickets.recording_sms.RecordingSMSBackend"
    settings.PORTAL_SMS_OPTIONS = {"directory": str(tmp_path)}
    settings.PORTAL_NOTIFY_RETRY_BASE = 30
    settings.PORTAL_NOTIFY_RETRY_CAP = 900
    return tmp_path


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def resident_row(ticket, **fields) -> Notification:
    (pk,) = outbox.create(
        [
            Notification(
                ticket=ticket,
                kind=fields.pop("kind", Kind.ACCEPTED),
                channel=fields.pop("channel", Notification.Channel.SMS),
                deadline=fields.pop("deadline", T0),
                **fields,
            )
        ]
    )
    return Notification.objects.get(pk=pk)


def plan_failures(sms_dir, row, times):
    (sms_dir / "fail_plan.json").write_text(f'{{"{row.idempotency_key}": {times}}}')


def test_delivery_sends_once_and_records_it(submit, sms_dir, frozen):
    ticket = submit()
    row = resident_row(ticket)
    assert outbox.deliver(row.pk).outcome == "sent"
    assert outbox.deliver(row.pk).outcome == "skipped"  # re-read: already sent
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, T0, "")
    assert recording_sms.calls(sms_dir) == [row.idempotency_key]
    message = recording_sms.delivered(sms_dir)[row.idempotency_key]
    assert message["to"] == "13812345678" and ticket.number in message["text"]


def test_failing_twice_then_succeeding_is_sent_once_after_three_attempts(submit, sms_dir, frozen):
    row = resident_row(submit())
    plan_failures(sms_dir, row, 2)
    first = outbox.deliver(row.pk, retries=0)
    assert (first.outcome, first.retry_in) == ("retry", 30)
    row.refresh_from_db()
    assert row.status == "pending" and row.next_attempt_at == T0 + timedelta(seconds=30)
    assert "planned test failure" in row.last_error
    # The retry comes when it is due; a run before then (a duplicate task) leaves the row alone.
    assert outbox.deliver(row.pk, retries=1) == outbox.Attempt("busy", 30)
    frozen.move_to(T0 + timedelta(seconds=30))
    assert outbox.deliver(row.pk, retries=1).retry_in == 60
    frozen.move_to(T0 + timedelta(seconds=90))
    assert outbox.deliver(row.pk, retries=2).outcome == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("sent", 3, None)
    assert recording_sms.accepted(sms_dir) == [row.idempotency_key]


def test_an_attempt_is_counted_when_it_starts_and_holds_the_row_for_its_time_limit(
    submit, sms_dir, frozen, settings, monkeypatch
):
    """A worker that dies while the gateway has the message leaves the attempt counted and the
    row claimed for NOTIFY_ATTEMPT_SECONDS; after that the next run sends it (once, by the key)."""
    settings.PORTAL_NOTIFY_ATTEMPT_SECONDS = 30
    row = resident_row(submit())

    def crash(*args, **kwargs):
        raise SystemExit("the worker process died mid-send")

    monkeypatch.setattr(outbox, "_send", crash)
    with pytest.raises(SystemExit):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == T0 + timedelta(seconds=30)
    monkeypatch.undo()
    assert outbox.deliver(row.pk) == outbox.Attempt("busy", 30)
    frozen.move_to(T0 + timedelta(seconds=30))
    assert outbox.deliver(row.pk).outcome == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_backoff_doubles_up_to_the_cap(sms_dir):
    assert [outbox.backoff(n) for n in range(7)] == [30, 60, 120, 240, 480, 900, 900]


def test_the_last_allowed_attempt_fails_for_good(submit, sms_dir):
    row = resident_row(submit())
    plan_failures(sms_dir, row, 9)
    assert outbox.deliver(row.pk, retries=8, last_try=True).outcome == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.next_attempt_at is None
    assert outbox.deliver(row.pk).outcome == "skipped"


def test_a_permanent_error_is_not_retried(submit, sms_dir, settings):
    settings.PORTAL_SMS_BACKEND = "tickets.notify.HTTPGatewaySMSBackend"
    settings.PORTAL_SMS_OPTIONS = {"url": ""}
    row = resident_row(submit())
    assert outbox.deliver(row.pk).outcome == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "SMS_GATEWAY_URL" in row.last_error


def test_retry_queues_failed_rows_again_after_commit(
    submit, sms_dir, monkeypatch, django_capture_on_commit_callbacks
):
    ticket = submit()
    failed = resident_row(ticket, status=Notification.Status.FAILED)
    sent = resident_row(ticket, kind=Kind.DISPATCHED, status=Notification.Status.SENT)
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry([failed.pk, sent.pk]) == 1
    assert queued == [failed.pk]
    failed.refresh_from_db()
    assert failed.status == "pending"
    assert outbox.deliver(failed.pk).outcome == "sent"


def test_relay_enqueues_only_rows_whose_delivery_is_long_overdue(
    submit, sms_dir, frozen, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PORTAL_OUTBOX_STALE_SECONDS = 600
    ticket = submit()
    lost = Notification.objects.get(ticket=ticket)  # the submission notice, written at T0
    frozen.move_to(T0 + timedelta(minutes=5))
    fresh = resident_row(ticket, kind=Kind.DISPATCHED)
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    frozen.move_to(T0 + timedelta(minutes=10) - timedelta(microseconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay() == 0
    frozen.move_to(T0 + timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay() == 1
        assert outbox.relay() == 0  # its next attempt is now
    assert queued == [lost.pk] and fresh.pk not in queued


@pytest.fixture
def refusing_broker(monkeypatch):
    """A real Redis broker address nobody listens on (port 1): connections are refused."""
    from portal.celery import app

    app.close()  # drop the pooled connections to the test broker
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    yield
    app.close()  # monkeypatch restores the URLs; the next use connects to them again


def test_a_broker_outage_pauses_hand_offs_and_loses_no_notice(
    submit, settings, refusing_broker, caplog, django_capture_on_commit_callbacks
):
    """The first submission's hand-off fails (logged); the next ones within the pause do not try
    the broker again; every ticket and its notice are stored, pending, owed to the relay."""
    settings.PORTAL_OUTBOX_BROKER_PAUSE_SECONDS = 30
    caplog.set_level(logging.INFO, logger="tickets.outbox")
    tickets = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tickets.append(submit())
    messages = [r.getMessage() for r in caplog.records if r.name == "tickets.outbox"]
    assert len(messages) == 3
    assert messages[0].startswith("outbox: could not enqueue 1 deliveries")
    assert messages[1:] == ["outbox: broker paused; 1 deliveries left to the relay"] * 2
    owed = Notification.objects.filter(ticket__in=tickets, status="pending")
    assert list(owed.values_list("next_attempt_at", flat=True)) == [None] * 3
    # Once the pause is over the broker is tried again (and still refuses).
    outbox.resume_broker()
    caplog.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert "could not enqueue 1 deliveries" in caplog.text


def test_a_hung_broker_holds_the_hand_off_no_longer_than_its_budget(
    submit, settings, tmp_path, caplog
):
    """A broker that accepts connections and never answers (a Redis of the test's own, frozen
    with SIGSTOP): the hand-off after commit gives up within OUTBOX_HANDOFF_TIMEOUT (a hung Redis
    used to hold requests 30–40 s), leaves the notices owed, and the next hand-off within the
    pause does not wait at all."""
    from tests.stack import RedisServer

    from .celery_worker import broker

    settings.PORTAL_OUTBOX_HANDOFF_TIMEOUT = 0.5
    rows = list(Notification.objects.filter(ticket__in=[submit() for _ in range(3)]))
    redis = RedisServer(tmp_path / "redis").start()
    try:
        with broker(redis.url(0), "test-hung"):
            assert outbox.enqueue([rows[0].pk]) == 1  # the connection is open and pooled
            redis.freeze()
            started = time.monotonic()
            assert outbox.enqueue([rows[1].pk]) == 0
            waited = time.monotonic() - started
            started = time.monotonic()
            assert outbox.enqueue([rows[2].pk]) == 0
            paused = time.monotonic() - started
    finally:
        redis.close()
    # The bound is the budget; the margin is for a loaded machine's scheduling, not the broker.
    assert waited < 0.5 + 0.5 and paused < 0.1
    assert "could not enqueue 1 deliveries" in caplog.text
    owed = Notification.objects.filter(pk__in=[rows[1].pk, rows[2].pk])
    assert list(owed.values_list("next_attempt_at", flat=True)) == [None, None]


def test_the_relay_hands_off_owed_rows_at_once_in_batches(
    submit, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PORTAL_OUTBOX_STALE_SECONDS = 300
    tickets = [submit() for _ in range(3)]
    rows = Notification.objects.filter(ticket__in=tickets).order_by("pk")
    outbox.owe(rows.values_list("pk", flat=True))
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay(limit=2) == 2
        assert outbox.relay(limit=2) == 1
        assert outbox.relay() == 0  # handed off: their attempt is due now, not owed
    assert queued == list(rows.values_list("pk", flat=True))


def test_after_an_outage_the_relay_also_resends_rows_due_before_it_began(
    submit, sms_dir, frozen, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker may have held their messages when the broker dropped (Redis would hand them out
    again only after the visibility timeout, an hour); rows due since are owed or in hand."""
    settings.PORTAL_OUTBOX_STALE_SECONDS = 300
    in_flight = Notification.objects.get(ticket=submit())  # handed off at T0
    frozen.move_to(T0 + timedelta(seconds=20))
    later = resident_row(in_flight.ticket, kind=Kind.DISPATCHED)  # handed off after the drop
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    frozen.move_to(T0 + timedelta(seconds=60))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay() == 0
        assert outbox.relay(due_before=T0 + timedelta(seconds=10)) == 1
    assert queued == [in_flight.pk] and later.pk not in queued


def test_staff_email_names_the_ticket_and_carries_the_key(lifecycle, staff, mailoutbox, frozen):
    get_user_model().objects.filter(username="head").update(email="head@example.org")
    ticket = lifecycle("in_progress")
    (pk,) = outbox.create(
        [
            Notification(
                ticket=ticket,
                kind=Kind.REPLY_OVERDUE,
                recipient=staff["head"],
                channel=Notification.Channel.EMAIL,
                deadline=ticket.reply_due_at,
                data={"since": ticket.reply_due_at.isoformat()},
            )
        ]
    )
    assert outbox.deliver(pk).outcome == "sent"
    (mail,) = mailoutbox
    assert mail.to == ["head@example.org"]
    assert ticket.number in mail.subject and ticket.number in mail.body
    assert "2026-12-01 09:00" in mail.body  # the reply deadline, Beijing time
    assert f"/admin/tickets/ticket/{ticket.pk}/change/" in mail.body
    assert mail.extra_headers["X-Idempotency-Key"] == f"12345-notification-{pk}"
    assert "13812345678" not in mail.body and "李雪贞" not in mail.body


def test_a_row_held_for_the_digest_is_not_delivered_alone(lifecycle, staff, mailoutbox):
    ticket = lifecycle("in_progress")
    (pk,) = outbox.create(
        [
            Notification(
                ticket=ticket,
                kind=Kind.REPLY_SOON,
                recipient=staff["handler"],
                channel=Notification.Channel.EMAIL,
                status=Notification.Status.HELD,
                deadline=ticket.reply_due_at,
            )
        ]
    )
    assert outbox.deliver(pk).outcome == "skipped"
    assert mailoutbox == []
