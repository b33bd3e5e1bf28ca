"""The broker fails under load (issue 13, faults 1 and 5), in real processes.

A Redis of the test's own is the broker of a real Celery worker (the project's settings, so
`portal.broker.Transport`) and of the outbox relay process; this test process writes notices as
intake does (`outbox.create`: stored, then handed to the broker after commit). The test stops and
restarts that Redis while the worker is busy.
"""

import time

import pytest
from django.utils import timezone

from tests.stack import RedisServer, Relay, stack_env, wait_for
from tickets import outbox
from tickets.models import Notification, Ticket

from . import recording_sms
from .celery_worker import Worker, broker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

QUEUE = "celery"


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.close()


@pytest.fixture
def intake(submit, redis, settings):
    """Writes one SMS notice every `interval` seconds, handed to the test's broker after commit,
    as a web process would (after a failed hand-off it pauses 0.5 s, not 30, to try again soon)."""
    settings.PORTAL_OUTBOX_BROKER_PAUSE_SECONDS = 0.5
    ticket = submit(anonymous=True, contact_phone="", contact_name="")  # no notice of its own
    Ticket.objects.filter(pk=ticket.pk).update(anonymous=False, contact_phone="13700001234")
    start = timezone.now()
    ids = []

    def feed(seconds: float, interval: float = 0.2) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            deadline = start + timezone.timedelta(milliseconds=len(ids))  # one row per deadline
            row = Notification(ticket=ticket, kind="dispatched", channel="sms", deadline=deadline)
            ids.extend(outbox.create([row]))
            time.sleep(interval)

    with broker(redis.url(0), QUEUE):
        yield feed, ids
    outbox.resume_broker()


def every_notice_sent_once(ids, sms_dir) -> None:
    keys = {Notification(pk=pk).idempotency_key for pk in ids}
    assert not Notification.objects.filter(pk__in=ids).exclude(status="sent").exists()
    assert sorted(recording_sms.accepted(sms_dir)) == sorted(keys)


def test_a_busy_worker_lives_through_broker_drops_and_every_notice_goes_out_once(
    redis, intake, tmp_path
):
    """Each drop used to end the worker: "Restoring N unacknowledged message(s)", then
    `Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")`
    (see portal/broker.py). Slow sends keep deliveries in flight (unacknowledged) while the worker
    waits for more, the state in which every drop killed it (3 times in 3 on celery 5.7.0)."""
    feed, ids = intake
    sms_dir = tmp_path / "sms"
    worker = Worker(
        redis_url=redis.url(0),
        queue=QUEUE,
        sms_dir=sms_dir,
        log_dir=tmp_path,
        env={"RECORDING_SMS_DELAY": "0.3"},
    )
    relay_process = Relay(stack_env(redis, tmp_path, SMS_FILE_DIR=str(sms_dir)), tmp_path)
    try:
        worker.start()
        relay_process.start()
        feed(2)
        for _drop in range(3):
            redis.stop()
            feed(1)  # hand-offs fail: stored, owed to the relay
            redis.start()
            feed(2)
            assert worker.process.poll() is None, worker.logs()
        wait_for(
            lambda: not Notification.objects.filter(pk__in=ids).exclude(status="sent").exists(),
            timeout=120,
            interval=0.5,
            message=worker.logs() + relay_process.logs(),
        )
    finally:
        relay_process.stop()
        worker.stop()
    logs = worker.logs()
    assert worker.starts == 1 and "Unrecoverable error" not in logs
    assert logs.count("Connection to broker lost") >= 3  # the drops did reach the worker
    every_notice_sent_once(ids, sms_dir)


def test_after_a_broker_outage_the_relay_sends_the_owed_notices_at_once(redis, intake, tmp_path):
    """Intake goes on during a 4 s outage; once Redis is back the relay process hands the owed
    notices over within its next rounds (not OUTBOX_STALE_SECONDS later), each sent once.
    bench/outage_recovery.py measures the same at peak intake."""
    feed, ids = intake
    sms_dir = tmp_path / "sms"
    worker = Worker(
        redis_url=redis.url(0), queue=QUEUE, sms_dir=sms_dir, log_dir=tmp_path / "worker"
    )
    (tmp_path / "worker").mkdir()
    relay_process = Relay(stack_env(redis, tmp_path, SMS_FILE_DIR=str(sms_dir)), tmp_path)
    try:
        worker.start()
        relay_process.start()
        feed(1)
        redis.stop()
        during = len(ids)
        feed(4, interval=0.05)
        owed = ids[during:]
        assert set(
            Notification.objects.filter(pk__in=owed).values_list("status", "next_attempt_at")
        ) == {("pending", None)}
        redis.start()
        back = time.monotonic()
        wait_for(
            lambda: not Notification.objects.filter(pk__in=owed).exclude(status="sent").exists(),
            timeout=60,
            interval=0.1,
            message=worker.logs() + relay_process.logs(),
        )
        recovery = time.monotonic() - back
        print(f"\n{len(owed)} notices owed during a 4 s outage, all sent {recovery:.1f} s after")
        feed(1)
        wait_for(
            lambda: not Notification.objects.filter(pk__in=ids).exclude(status="sent").exists(),
            timeout=60,
            interval=0.2,
            message=worker.logs(),
        )
    finally:
        relay_process.stop()
        worker.stop()
    logs = relay_process.logs()
    assert "relay: the broker does not answer" in logs and "relay: the broker answers again" in logs
    every_notice_sent_once(ids, sms_dir)
