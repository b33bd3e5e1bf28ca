"""Webhooks against a real receiver process that verifies each signature with the Standard
Webhooks library: signed, in order per ticket, each event once; a receiver that is down and
comes back; the total time limit; disabling after a long run of failures; redelivery.

The fan-out follows the change feed, whose horizon needs committed data: these tests commit
(`transaction=True`) and drive beat's sweep in this process (`tasks.run_sweep`); the last test
lets a real Celery worker do it.
"""

import json
import time
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from clients.services import api_client_create
from tickets import changes
from tickets import services as ticket_services
from tickets.models import Ticket, TicketEvent
from tickets.privacy import mask_name
from webhooks import sender, services, signing, tasks
from webhooks.models import Attempt, Delivery, Subscription

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TICKETS = "/api/v1/tickets/"


@pytest.fixture
def app(db):
    """A registered client with a contact e-mail, and an HTTP client with its key."""
    client, key = api_client_create(
        name="district app", rate_limit="1000/min", contact_email="ops@district.example"
    )
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, http


@pytest.fixture
def body(city, category):
    return {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "楼牌号缺失，外卖骑手找不到12号楼。",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
    }


def subscribe(client, receiver, **options):
    subscription = services.subscription_create(client=client, url=receiver.url, **options)
    receiver.secret = subscription.secret
    return subscription


def sweep_until(done, timeout=60, pause=0.1):
    """Beat's sweep, again and again, until `done()` (the horizon may lag on a shared server)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "not delivered in time"
        tasks.run_sweep(deliver_inline=True)
        time.sleep(pause)


def own_events(client):
    """The events the client's subscription owes: the public ones of its tickets, in order."""
    return list(
        TicketEvent.objects.filter(ticket__client_submission__client=client, public=True).order_by(
            "ticket_id", "id"
        )
    )


def by_ticket(records):
    grouped = defaultdict(list)
    for record in records:
        grouped[record["ticket"]].append(record)
    return grouped


def test_events_arrive_signed_once_each_in_the_order_they_happened(
    app, body, receiver, staff, units
):
    client, http = app
    hook = receiver("unknown")
    subscribe(client, hook)
    hook.start()
    number = http.post(TICKETS, {**body, "external_id": "APP-1"}, format="json").json()["number"]
    ticket = Ticket.objects.get(number=number)
    ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    ticket_services.ticket_supervise(
        ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快"
    )
    ticket_services.ticket_dispatch(
        ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"]
    )
    sweep_until(lambda: len(hook.received()) >= 3)
    time.sleep(0.3)
    tasks.run_sweep(deliver_inline=True)
    records = hook.received()
    assert [r["type"] for r in records] == ["ticket.created", "ticket.accept", "ticket.dispatch"]
    assert all(r["verified"] and r["status"] == 204 for r in records)  # checked by the library
    assert all(r["ticket"] == number for r in records)
    assert len({r["id"] for r in records}) == 3
    assert records[0]["user_agent"] == signing.USER_AGENT
    delivery = Delivery.objects.get(event__action="submit")
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    data = json.loads(delivery.body)["data"]
    assert data["ticket"]["external_id"] == "APP-1"
    assert data["ticket"]["contact_name"] == mask_name("李雪贞") != "李雪贞"  # as in its list
    assert data["event"]["actor"] == ""  # as the client's trajectory shows it
    assert Attempt.objects.filter(delivery=delivery, status_code=204).count() == 1


def test_a_receiver_that_is_down_and_comes_back_gets_every_event_once_in_order(
    app, body, receiver, staff, units, fast_retries
):
    client, http = app
    hook = receiver("unknown")
    subscribe(client, hook)  # the receiver is down from the start
    numbers = [http.post(TICKETS, body, format="json").json()["number"] for _ in range(3)]
    for number in numbers[:2]:
        ticket = Ticket.objects.get(number=number)
        ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
        ticket_services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"]
        )
    expected = own_events(client)
    assert len(expected) == 7
    sweep_until(lambda: Delivery.objects.filter(attempts__gte=2).count() >= 3)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 0
    failed = Attempt.objects.exclude(error="")
    assert failed.exists() and failed.filter(status_code__isnull=True).count() == failed.count()
    # A ticket's later events wait while its first is pending: only first events were tried.
    assert set(Delivery.objects.filter(attempts__gt=0).values_list("event__action", flat=True)) == {
        "submit"
    }

    hook.start()  # back; one more change on the way
    ticket = Ticket.objects.get(number=numbers[2])
    ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    expected = own_events(client)
    sweep_until(lambda: len(hook.received()) >= len(expected))
    time.sleep(1)
    tasks.run_sweep(deliver_inline=True)
    records = hook.received()
    assert all(r["verified"] for r in records)
    assert sorted(r["id"] for r in records) == sorted(
        f"msg_{Subscription.objects.get().pk}_{e.pk}" for e in expected
    )  # each event exactly once
    grouped = by_ticket(records)
    for number in numbers:
        events = [e for e in expected if e.ticket.number == number]
        assert [r["id"].rsplit("_", 1)[1] for r in grouped[number]] == [str(e.pk) for e in events]
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def test_a_later_event_does_not_overtake_an_earlier_one_of_the_same_ticket(
    app, body, receiver, staff, fast_retries
):
    client, http = app
    hook = receiver("unknown")
    subscribe(client, hook)
    number = http.post(TICKETS, body, format="json").json()["number"]
    sweep_until(lambda: Delivery.objects.filter(attempts__gte=1).exists())  # down: it failed
    ticket = Ticket.objects.get(number=number)
    ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    sweep_until(lambda: Delivery.objects.count() == 2)
    hook.start()
    sweep_until(lambda: len(hook.received()) >= 2)
    assert [r["type"] for r in hook.received()] == ["ticket.created", "ticket.accept"]


def test_every_call_ends_within_the_total_time_limit(receiver):
    hook = receiver(signing.new_secret(), mode="drip").start()  # 40 bytes, one per 0.5 s
    started = time.monotonic()
    result = sender.post(hook.url, b"{}", {"content-type": "application/json"}, timeout=1.5)
    elapsed = time.monotonic() - started
    assert not result.ok and "1.5 s" in result.error
    assert elapsed < 3


def test_a_refused_connection_and_an_unknown_host_are_failures_not_crashes():
    refused = sender.post("http://127.0.0.1:9/", b"{}", {}, timeout=2)
    assert not refused.ok and refused.status is None and refused.error
    nowhere = sender.post("http://no-such-host.invalid/", b"{}", {}, timeout=2)
    assert not nowhere.ok and nowhere.error


def test_failing_for_long_is_switched_off_and_the_contact_told_once(
    app, body, receiver, settings, fast_retries
):
    settings.PORTAL_WEBHOOK_DISABLE_AFTER_HOURS = 1 / 3600  # a second of failures
    settings.PORTAL_WEBHOOK_DISABLE_MIN_FAILURES = 3
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client, http = app
    hook = receiver("unknown")
    subscription = subscribe(client, hook)
    hook.start(mode="fail")
    number = http.post(TICKETS, body, format="json").json()["number"]
    sweep_until(lambda: not Subscription.objects.get().is_active)
    subscription.refresh_from_db()
    assert subscription.disabled_at and subscription.consecutive_failures >= 3
    assert "HTTP 500" in subscription.disabled_reason
    tasks.run_sweep(deliver_inline=True)
    tasks.run_sweep(deliver_inline=True)
    assert len(mail.outbox) == 1
    (notice,) = mail.outbox
    assert notice.to == ["ops@district.example"] and hook.url in notice.body
    attempts = Attempt.objects.count()
    http.post(TICKETS, body, format="json")  # switched off: nothing is read or sent
    tasks.run_sweep(deliver_inline=True)
    assert Attempt.objects.count() == attempts and Delivery.objects.count() == 1

    hook.stop()
    hook.start(mode="ok")
    services.subscription_enable(subscription=subscription)
    sweep_until(lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2)
    assert next(r["ticket"] for r in hook.received() if r["status"] == 204) == number


def test_a_given_up_delivery_is_sent_again_from_the_admin_with_the_same_id(
    app, body, receiver, settings, fast_retries, admin_client
):
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 2
    client, http = app
    hook = receiver("unknown")
    subscribe(client, hook)
    http.post(TICKETS, body, format="json")
    sweep_until(lambda: Delivery.objects.filter(status=Delivery.Status.FAILED).exists())
    delivery = Delivery.objects.get()
    assert delivery.attempts == 2
    hook.start()
    response = admin_client.post(
        "/admin/webhooks/delivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    sweep_until(lambda: len(hook.received()) == 1)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3
    assert hook.received()[0]["id"] == delivery.message_id
    assert Attempt.objects.filter(delivery=delivery, manual=True, status_code=204).exists()


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(app, body, receiver):
    client, http = app
    hook = receiver("unknown")
    subscription = subscribe(client, hook)
    old = subscription.secret
    new = services.subscription_rotate_secret(subscription=subscription)
    hook.secret, hook.old_secret = new, old  # must verify with both
    hook.start()
    http.post(TICKETS, body, format="json")
    sweep_until(lambda: len(hook.received()) == 1)
    assert hook.received()[0]["verified"]
    subscription.refresh_from_db()
    assert subscription.previous_secret_until > timezone.now() + timedelta(hours=23)


def test_a_client_gets_only_what_its_api_shows_it(app, body, receiver, lifecycle, staff):
    client, http = app
    hook = receiver("unknown")
    subscribe(client, hook, event_types=["ticket.created", "ticket.supervise"])
    hook.start()
    lifecycle("dispatched")  # not the client's ticket
    number = http.post(TICKETS, body, format="json").json()["number"]
    ticket = Ticket.objects.get(number=number)
    ticket_services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    ticket_services.ticket_supervise(
        ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快"
    )
    sweep_until(lambda: len(hook.received()) >= 1)
    time.sleep(0.5)
    tasks.run_sweep(deliver_inline=True)
    # accept is not subscribed, supervision is internal, the other ticket not the client's
    assert [(r["ticket"], r["type"]) for r in hook.received()] == [(number, "ticket.created")]


def test_a_new_subscription_starts_with_the_changes_after_it(app, body, receiver):
    """It starts at the feed's head: after every change that is final (an older transaction
    still open elsewhere could make a change just before it count as after it)."""
    client, http = app
    http.post(TICKETS, body, format="json")
    earlier = TicketEvent.objects.get()
    deadline = time.monotonic() + 60
    while changes.head() <= changes.Cursor(earlier.txid, earlier.pk):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    hook = receiver("unknown")
    subscribe(client, hook)
    hook.start()
    later = http.post(TICKETS, body, format="json").json()["number"]
    sweep_until(lambda: len(hook.received()) >= 1)
    time.sleep(0.3)
    tasks.run_sweep(deliver_inline=True)
    assert [r["ticket"] for r in hook.received()] == [later]
