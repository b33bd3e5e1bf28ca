"""End to end with a real Celery worker on Redis and a real receiver: a committed change nudges a
sweep (`ticket_changed`), the worker fans it out and delivers it; with the receiver down the
worker retries until it is back, and every event arrives once."""

import time
import uuid

import pytest
from rest_framework.test import APIClient

from clients.services import api_client_create
from tests.tickets.celery_worker import (
    Worker,
    broker,
    forget_queue,
    redis_url_or_skip,
    wait_until,
)
from tickets.models import Ticket, TicketEvent
from webhooks import receivers, services, tasks
from webhooks.models import Delivery

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def redis_url():
    return redis_url_or_skip()


@pytest.fixture(scope="module")
def queue():
    return f"test-webhooks-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def worker(django_db_setup, redis_url, queue, tmp_path_factory):
    process = Worker(
        redis_url=redis_url,
        queue=queue,
        sms_dir=tmp_path_factory.mktemp("sms"),
        log_dir=tmp_path_factory.mktemp("worker"),
        env={"WEBHOOK_RETRY_BASE_SECONDS": "0.3", "WEBHOOK_RETRY_CAP_SECONDS": "1"},
    )
    process.start()
    yield process
    process.stop()
    forget_queue(redis_url, queue)


@pytest.fixture
def on_redis(redis_url, queue):
    with broker(redis_url, queue):
        tasks.resume_broker()
        yield


def beat_after(seconds: float, done):
    """A predicate for `wait_until` that also plays beat's sweep (once a second) after
    `seconds`: without beat in the test, a retry waiting in its row would never be sent."""
    start, last = time.monotonic(), [0.0]

    def check():
        now = time.monotonic()
        if now - start >= seconds and now - last[0] >= 1:
            tasks.sweep.delay()
            last[0] = now
        return done()

    return check


def test_the_worker_delivers_each_change_once_through_an_outage(
    worker, on_redis, receiver, city, category, staff
):
    client, key = api_client_create(name="city app", rate_limit="1000/min")
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    hook = receiver("unknown")
    subscription = services.subscription_create(client=client, url=hook.url)
    hook.secret = subscription.secret
    receivers.forget()
    hook.start()
    body = {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "路灯不亮。",
        "contact_phone": "13812345678",
    }
    first = http.post("/api/v1/tickets/", body, format="json").json()["number"]
    # The nudge alone delivers it (beat is played only if another session's long transaction
    # holds the feed's horizon back for longer than the nudge waits).
    wait_until(beat_after(15, lambda: len(hook.received()) == 1), timeout=90, message=worker.logs())

    hook.stop()  # down: the accept fails and is retried by the worker's sweeps
    ticket = Ticket.objects.get(number=first)
    from tickets import services as ticket_services

    ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    wait_until(
        beat_after(15, lambda: Delivery.objects.filter(attempts__gte=1, status="pending").exists()),
        timeout=90,
        message=worker.logs(),
    )
    hook.start()  # back: the next sweep (a nudge, or beat, played here) sends what waits
    second = http.post("/api/v1/tickets/", body, format="json").json()["number"]

    wait_until(beat_after(0, lambda: len(hook.received()) >= 3), timeout=90, message=worker.logs())
    records = hook.received()
    expected = TicketEvent.objects.filter(public=True).count()
    assert len(records) == expected == 3
    assert len({r["id"] for r in records}) == 3 and all(r["verified"] for r in records)
    assert [r["type"] for r in records if r["ticket"] == first] == [
        "ticket.created",
        "ticket.accept",
    ]
    assert [r["ticket"] for r in records].count(second) == 1
