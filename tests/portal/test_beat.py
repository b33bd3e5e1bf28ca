"""Two beats and two workers, as on two hosts: one beat sends, the queues split the work, and
every reminder and notice exists and is delivered once (portal.beat, CELERY_TASK_ROUTES).

Real processes: two `celery beat` with the Redis lock (celery-redbeat), a worker on the reminders
queue and one on the deliveries queue, all on Redis (REDIS_URL) and the PostgreSQL test database.
"""

import contextlib
import os
import signal
import subprocess
import sys
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.tickets import recording_sms
from tests.tickets.celery_worker import (
    ROOT,
    Worker,
    broker,
    forget_queue,
    redis_url_or_skip,
    wait_until,
)
from tickets.models import Notification, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Kind = Notification.Kind
LOCK_TIMEOUT = 5


class Beat:
    def __init__(self, name: str, env: dict, log_dir):
        self.name, self.env, self.log = name, env, log_dir / f"beat-{name}.log"
        self.env = {**env, "PORTAL_VAR_DIR": str(log_dir / f"var-{name}")}
        self.process = None

    def start(self):
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def text(self) -> str:
        return self.log.read_text()

    @property
    def active(self) -> bool:
        return "Acquired lock" in self.text()

    def sends(self) -> int:
        return self.text().count("Sending due task reminder-sweeps ")

    def kill(self):
        os_killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os_killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def os_killpg(pid, sig):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


@pytest.fixture
def deployment(django_db_setup, tmp_path):
    """Two workers (reminders, deliveries) and two beats with one Redis lock."""
    redis_url = redis_url_or_skip()
    tag = uuid.uuid4().hex[:8]
    reminders, deliveries = f"test-reminders-{tag}", f"test-deliveries-{tag}"
    env = {
        "CELERY_REMINDER_QUEUE": reminders,
        "CELERY_DELIVERY_QUEUE": deliveries,
        "PORTAL_SWEEP_SECONDS": "1",
        "BEAT_LOCK_REDIS_URL": redis_url,
        "BEAT_LOCK_KEY_PREFIX": f"test-redbeat-{tag}",
        "BEAT_LOCK_TIMEOUT_SECONDS": str(LOCK_TIMEOUT),
        "BEAT_MAX_LOOP_SECONDS": "0.5",
    }
    sms_dir = tmp_path / "sms"
    workers = {
        queue: Worker(
            redis_url=redis_url,
            queue=queue,
            sms_dir=sms_dir,
            log_dir=tmp_path / queue,
            env={**env, "CELERY_TASK_DEFAULT_QUEUE": reminders},
        )
        for queue in (reminders, deliveries)
    }
    for worker in workers.values():
        worker.log_dir.mkdir()
    beat_env = {**workers[reminders].env}
    beats = [Beat(name, beat_env, tmp_path) for name in ("host-a", "host-b")]
    try:
        for worker in workers.values():
            worker.start()
        for beat in beats:
            beat.start()
        yield {
            "redis": redis_url,
            "reminders": workers[reminders],
            "deliveries": workers[deliveries],
            "beats": beats,
            "sms_dir": sms_dir,
        }
    finally:
        for beat in beats:
            beat.stop()
        for worker in workers.values():
            worker.stop()
            forget_queue(redis_url, worker.queue)
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"test-redbeat-{tag}*"):
            client.delete(key)


def overdue_submission(lifecycle):
    ticket = lifecycle("submitted", anonymous=True, contact_phone="", contact_name="")
    past = timezone.now() - timezone.timedelta(minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(accept_due_at=past, due_at=past, updated_at=past)
    return ticket


def delivered_once(kind) -> bool:
    rows = Notification.objects.filter(kind=kind)
    return rows.exists() and all(
        status == Notification.Status.SENT and attempts == 1
        for status, attempts in rows.values_list("status", "attempts")
    )


def test_one_of_two_beats_sends_and_each_notice_goes_out_once(deployment, lifecycle, submit):
    get_user_model().objects.filter(username="operator").update(email="op@example.org")
    tickets = [overdue_submission(lifecycle) for _ in range(3)]
    beats = deployment["beats"]
    wait_until(lambda: any(b.active for b in beats), timeout=60, message=beats[0].text())
    active, waiting = (beats[0], beats[1]) if beats[0].active else (beats[1], beats[0])
    # A few sweep intervals: the active beat sends every second, the other nothing.
    wait_until(lambda: active.sends() >= 4, timeout=60, message=active.text())
    assert not waiting.active and waiting.sends() == 0, waiting.text()

    wait_until(lambda: delivered_once(Kind.ACCEPT_OVERDUE), timeout=60)
    rows = Notification.objects.filter(kind=Kind.ACCEPT_OVERDUE)
    assert sorted(rows.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)

    # A resident's notice, handed to the deliveries queue on commit.
    with broker(deployment["redis"], deployment["deliveries"].queue):
        resident = submit()
    wait_until(lambda: delivered_once(Kind.SUBMITTED), timeout=60)

    # The queues split the work: sweeps on one worker, deliveries on the other.
    reminders, deliveries = deployment["reminders"].logs(), deployment["deliveries"].logs()
    assert "tickets.tasks.sweep[" in reminders and "deliver_notification[" not in reminders
    assert "deliver_notification[" in deliveries and "tickets.tasks.sweep[" not in deliveries

    # The active beat's host dies: the other takes the lock once it expires, and sends.
    active.kill()
    wait_until(lambda: waiting.active, timeout=LOCK_TIMEOUT + 30, message=waiting.text())
    wait_until(lambda: waiting.sends() >= 2, timeout=30, message=waiting.text())
    late = overdue_submission(lifecycle)
    wait_until(
        lambda: Notification.objects.filter(kind=Kind.ACCEPT_OVERDUE, ticket=late).exists(),
        timeout=60,
    )
    wait_until(lambda: delivered_once(Kind.ACCEPT_OVERDUE), timeout=60)

    # Once each: one row per ticket and recipient, each sent in one attempt, one SMS per key.
    assert Notification.objects.filter(kind=Kind.ACCEPT_OVERDUE).count() == 4
    (notice,) = Notification.objects.filter(ticket=resident, kind=Kind.SUBMITTED)
    sms_dir = deployment["sms_dir"]
    assert recording_sms.accepted(sms_dir) == [notice.idempotency_key]
    assert recording_sms.calls(sms_dir) == [notice.idempotency_key]
