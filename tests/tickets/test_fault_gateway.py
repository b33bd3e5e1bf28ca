"""A slow SMS gateway (issue 13, fault 4), against a real Celery worker process.

The gateway (tests/tickets/gateways.py) trickles its answer a byte every 0.5 s, so no single read
ever times out. An attempt must still end in bounded time (the backend's deadline for the whole
request, and the task's time limit behind it), hold no row lock and no open transaction while it
waits, and count an attempt that a crash cut short.
"""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests.stack import RedisServer, wait_for
from tickets import outbox, tasks
from tickets.models import Notification, Ticket

from .celery_worker import Worker, broker, worker_database_url
from .gateways import ANSWER, Gateway, TrickleGateway

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

QUEUE = "celery"


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.close()


@pytest.fixture
def trickle():
    gateway = TrickleGateway(interval=0.5)  # the whole answer: 40 s
    yield gateway
    gateway.close()


@pytest.fixture
def notice(submit, redis):
    """Writes one SMS notice, handed to the test's broker after commit."""
    ticket = submit(anonymous=True, contact_phone="", contact_name="")  # no notice of its own
    Ticket.objects.filter(pk=ticket.pk).update(anonymous=False, contact_phone="13700001234")

    def make() -> Notification:
        with broker(redis.url(0), QUEUE):
            (pk,) = outbox.create(
                [
                    Notification(
                        ticket=ticket, kind="dispatched", channel="sms", deadline=timezone.now()
                    )
                ]
            )
        return Notification.objects.get(pk=pk)

    return make


def gateway_worker(redis, tmp_path, url, **env) -> Worker:
    return Worker(
        redis_url=redis.url(0),
        queue=QUEUE,
        sms_dir=tmp_path / "sms",
        log_dir=tmp_path,
        env={
            "SMS_BACKEND": "tickets.notify.HTTPGatewaySMSBackend",
            "SMS_GATEWAY_URL": url,
            "NOTIFY_RETRY_BASE_SECONDS": "600",  # no retry within the test
            **env,
        },
    )


def worker_transactions_left_open() -> list:
    """Connections of other processes to the test database that sit idle inside a transaction."""
    name = worker_database_url().rsplit("/", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND state LIKE 'idle in transaction%%'",
            [name],
        )
        return cursor.fetchall()


def row_is_unlocked(row: Notification) -> bool:
    with transaction.atomic():
        return Notification.objects.select_for_update(nowait=True).filter(pk=row.pk).exists()


def test_a_trickling_gateway_is_cut_off_at_the_timeout_holding_no_lock(
    redis, trickle, notice, tmp_path
):
    worker = gateway_worker(redis, tmp_path, trickle.url, SMS_GATEWAY_TIMEOUT="2")
    try:
        worker.start()
        row = notice()
        wait_for(lambda: trickle.requests == 1, timeout=30, message=worker.logs())
        # The attempt waits on the network: counted already, the row not locked, no transaction.
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 1)
        assert row_is_unlocked(row)  # NOWAIT would raise if the worker held the lock
        assert worker_transactions_left_open() == []
        wait_for(
            lambda: "did not answer within 2 s" in Notification.objects.get(pk=row.pk).last_error,
            timeout=30,
            message=worker.logs(),
        )
    finally:
        worker.stop()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)  # its retry waits (NOTIFY_RETRY_BASE)
    assert row.next_attempt_at > timezone.now() + timezone.timedelta(minutes=5)
    assert 0 < trickle.bytes_sent[0] < len(ANSWER)  # cut off, not waited for


def test_the_task_time_limit_ends_an_attempt_the_channel_does_not_bound(
    redis, trickle, notice, tmp_path, monkeypatch
):
    """A channel with a long (or no) timeout of its own, e.g. SMTP's per-read timeout: the
    delivery task's soft time limit (NOTIFY_ATTEMPT_SECONDS) ends the attempt, recorded."""
    # Celery puts the publisher's limits in the message: this process publishes with the same
    # NOTIFY_ATTEMPT_SECONDS as the worker, as every process of an installation does.
    monkeypatch.setattr(tasks.deliver_notification, "soft_time_limit", 3)
    monkeypatch.setattr(tasks.deliver_notification, "time_limit", 18)
    monkeypatch.setattr(tasks.deliver_notification, "_exec_options", None)  # Celery's cache
    worker = gateway_worker(
        redis, tmp_path, trickle.url, SMS_GATEWAY_TIMEOUT="300", NOTIFY_ATTEMPT_SECONDS="3"
    )
    try:
        worker.start()
        row = notice()
        wait_for(
            lambda: "SoftTimeLimitExceeded" in Notification.objects.get(pk=row.pk).last_error,
            timeout=40,
            message=worker.logs(),
        )
    finally:
        worker.stop()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert trickle.bytes_sent[0] < len(ANSWER)


def test_an_attempt_a_crash_cut_short_is_counted_and_the_notice_goes_out_once(
    redis, trickle, notice, tmp_path
):
    """The worker is SIGKILLed while the gateway has the message. The attempt was counted when
    it began; once its claim runs out the message, redelivered by Redis, is sent again with the
    same key (to a gateway that answers now), and the row shows both attempts."""
    slow = gateway_worker(
        redis, tmp_path, trickle.url, SMS_GATEWAY_TIMEOUT="60", NOTIFY_ATTEMPT_SECONDS="4"
    )
    fast_gateway = Gateway()
    fast = gateway_worker(redis, tmp_path, fast_gateway.url, NOTIFY_ATTEMPT_SECONDS="4")
    try:
        slow.start()
        row = notice()
        wait_for(lambda: trickle.requests == 1, timeout=30, message=slow.logs())
        slow.kill()
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", 1)
        fast.start()
        wait_for(
            lambda: Notification.objects.get(pk=row.pk).status == "sent",
            timeout=60,
            message=fast.logs(),
        )
    finally:
        slow.stop()
        fast.stop()
        fast_gateway.close()
    row.refresh_from_db()
    assert row.attempts == 2
    assert [headers["Idempotency-Key"] for headers, _body in fast_gateway.requests] == [
        row.idempotency_key
    ]
