"""End to end with a real Celery worker process on Redis and the PostgreSQL test database.

Skipped without PostgreSQL (the worker cannot reach SQLite's in-memory test database) and,
outside CI, without Redis (see celery_worker.redis_url_or_skip).
"""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tickets import outbox, sweeps, tasks
from tickets.models import Notification, Ticket

from . import recording_sms
from .celery_worker import Worker, broker, forget_queue, redis_url_or_skip, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Kind = Notification.Kind
Status = Notification.Status


@pytest.fixture(scope="module")
def redis_url():
    return redis_url_or_skip()


@pytest.fixture(scope="module")
def queue():
    return f"test-notify-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def sms_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("sms")


@pytest.fixture(scope="module")
def worker(django_db_setup, redis_url, queue, sms_dir, tmp_path_factory):
    process = Worker(
        redis_url=redis_url,
        queue=queue,
        sms_dir=sms_dir,
        log_dir=tmp_path_factory.mktemp("worker"),
    )
    process.start()
    yield process
    process.stop()
    forget_queue(redis_url, queue)


@pytest.fixture
def on_redis(redis_url, queue):
    """This process enqueues to the worker's queue."""
    with broker(redis_url, queue):
        yield


def sent(ids) -> bool:
    return Notification.objects.filter(pk__in=ids, status=Status.SENT).count() == len(ids)


def test_resident_is_told_the_number_and_access_code_by_the_worker(
    worker, on_redis, submit, sms_dir
):
    ticket = submit()  # committed: the notice is written and enqueued on commit
    (row,) = Notification.objects.filter(ticket=ticket, kind=Kind.SUBMITTED)
    wait_until(lambda: sent([row.pk]), timeout=30, message=worker.logs())
    message = recording_sms.delivered(sms_dir)[row.idempotency_key]
    assert message["to"] == ticket.contact_phone
    assert ticket.number in message["text"] and ticket.access_code in message["text"]


def test_delivery_failing_twice_then_succeeding_is_sent_once_with_three_attempts(
    worker, on_redis, submit, sms_dir
):
    ticket = submit(anonymous=True, contact_phone="", contact_name="")  # no notices of its own
    Ticket.objects.filter(pk=ticket.pk).update(anonymous=False, contact_phone="13700001234")
    with transaction.atomic():  # enqueued when this commits, after the plan is written
        (pk,) = outbox.create(
            [
                Notification(
                    ticket=ticket, kind=Kind.ACCEPTED, channel="sms", deadline=timezone.now()
                )
            ]
        )
        key = Notification(pk=pk).idempotency_key
        (sms_dir / "fail_plan.json").write_text(json.dumps({key: 2}))
    wait_until(lambda: sent([pk]), timeout=60, message=worker.logs())
    row = Notification.objects.get(pk=pk)
    assert row.attempts == 3
    assert "planned test failure" in row.last_error
    assert recording_sms.calls(sms_dir).count(key) == 3
    assert recording_sms.accepted(sms_dir).count(key) == 1


def test_sweeps_run_twice_at_once_by_the_worker_create_each_notice_once(
    worker, on_redis, lifecycle, staff
):
    get_user_model().objects.filter(username="operator").update(email="op@example.org")
    ticket = lifecycle("submitted", anonymous=True, contact_phone="", contact_name="")
    past = timezone.now() - timezone.timedelta(minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(accept_due_at=past, due_at=past)
    done_before = worker.logs().count("tickets.tasks.sweep[")
    tasks.sweep.delay("accept_overdue")
    tasks.sweep.delay("accept_overdue")
    tasks.run_sweeps.delay()  # every sweep once more, fanned out
    expected = done_before + 2 * (2 + len(sweeps.NAMES))  # "received" and "succeeded" lines
    wait_until(
        lambda: worker.logs().count("tickets.tasks.sweep[") >= expected,
        timeout=60,
        message=worker.logs(),
    )
    rows = Notification.objects.filter(kind=Kind.ACCEPT_OVERDUE)
    assert list(rows.values_list("ticket_id", "recipient__username")) == [(ticket.pk, "operator")]
    # The e-mail to the operator was delivered by the worker too.
    wait_until(lambda: sent(list(rows.values_list("pk", flat=True))), timeout=30)


def test_a_worker_killed_mid_batch_delivers_every_notice_once_after_restart(
    django_db_setup, redis_url, submit, tmp_path
):
    """500 deliveries; SIGKILL the whole worker (main process and children) after 100 or so,
    then start a new one: Redis hands the unacknowledged messages out again, and the notices
    sent just before the kill are recognised by their idempotency keys."""
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    sms_dir = tmp_path / "sms"
    worker = Worker(
        redis_url=redis_url,
        queue=queue,
        sms_dir=sms_dir,
        log_dir=tmp_path,
        env={"RECORDING_SMS_DELAY": "0.03"},
    )
    ticket = submit(anonymous=True, contact_phone="", contact_name="")
    Ticket.objects.filter(pk=ticket.pk).update(anonymous=False, contact_phone="13700001234")
    start = timezone.now()
    rows = [
        Notification(
            ticket=ticket,
            kind=Kind.DISPATCHED,
            channel="sms",
            deadline=start + timezone.timedelta(seconds=n),
        )
        for n in range(500)
    ]
    try:
        worker.start()
        with broker(redis_url, queue):
            ids = outbox.create(rows)
        keys = {Notification(pk=pk).idempotency_key for pk in ids}
        wait_until(
            lambda: len(recording_sms.accepted(sms_dir)) >= 100, timeout=60, message=worker.logs()
        )
        worker.kill()
        at_kill = len(recording_sms.accepted(sms_dir))
        assert 100 <= at_kill < 500
        worker.start()
        wait_until(lambda: sent(ids), timeout=180, interval=0.5, message=worker.logs())
    finally:
        worker.stop()
        forget_queue(redis_url, queue)

    accepted = recording_sms.accepted(sms_dir)
    assert len(ids) == 500
    assert sorted(accepted) == sorted(keys)  # every notice sent, none twice
    assert set(recording_sms.delivered(sms_dir)) == keys
    assert not Notification.objects.filter(pk__in=ids).exclude(status=Status.SENT).exists()
    print(
        f"\n500 deliveries: {at_kill} sent before SIGKILL; "
        f"{len(recording_sms.calls(sms_dir)) - 500} repeated calls absorbed by the key"
    )
