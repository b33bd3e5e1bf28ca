"""The fan-out (one delivery per subscription and event, however often and however concurrently
it runs) and the admin pages (subscriptions, the delivery log, switching on and off)."""

import threading

import pytest
from django.db import connection

from clients.services import api_client_create
from tickets import changes
from tickets.models import TicketEvent
from webhooks import fanout, services, signing
from webhooks.models import Attempt, Delivery, Subscription


@pytest.fixture
def subscription(db):
    client, _key = api_client_create(name="hotline app")
    return services.subscription_create(client=client, url="http://127.0.0.1:8209/hook")


@pytest.mark.django_db
def test_a_new_subscription_has_a_secret_and_starts_at_the_head(subscription):
    assert subscription.secret.startswith("whsec_") and len(subscription.secret) > 30
    assert subscription.cursor <= changes.head()
    assert subscription.language == "zh-hans"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "types"),
    [("ftp://example.com/x", []), ("not a url", []), ("https://ok.example/", ["ticket.nope"])],
)
def test_a_bad_url_or_event_type_is_refused(db, url, types):
    from django.core.exceptions import ValidationError

    client, _key = api_client_create(name="bad app")
    with pytest.raises(ValidationError):
        services.subscription_create(client=client, url=url, event_types=types)
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_signature_verifies_with_the_reference_library(subscription):
    from datetime import UTC, datetime

    from standardwebhooks.webhooks import Webhook

    now = datetime.now(UTC)
    headers = signing.headers(subscription, message_id="msg_1_2", body='{"a":"路灯"}', at=now)
    assert Webhook(subscription.secret).verify('{"a":"路灯"}', headers) == {"a": "路灯"}
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fan_outs_at_once_make_each_delivery_once(subscription, monkeypatch, lifecycle):
    from clients.models import Submission

    for _ in range(3):
        ticket = lifecycle("dispatched")
        Submission.objects.create(ticket=ticket, client=subscription.client, channel="api")
    owed = TicketEvent.objects.filter(public=True).count()
    monkeypatch.setattr(changes, "horizon", lambda: None)  # other sessions cannot delay this one
    barrier, errors = threading.Barrier(4), []

    def run():
        try:
            barrier.wait()
            fanout.fan_out(subscription.pk)
        except Exception as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Delivery.objects.count() == owed == 9
    fanout.fan_out(subscription.pk)
    assert Delivery.objects.count() == owed


@pytest.mark.django_db
def test_admin_creates_a_subscription_and_shows_its_secret(admin_client, db):
    client, _key = api_client_create(name="district platform")
    response = admin_client.post(
        "/admin/webhooks/subscription/add/",
        {
            "client": client.pk,
            "url": "https://district.example/12345/hooks",
            "event_types": ["ticket.created", "ticket.reply"],
            "language": "en",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = Subscription.objects.get()
    assert subscription.event_types == ["ticket.created", "ticket.reply"]
    page = admin_client.get(f"/admin/webhooks/subscription/{subscription.pk}/change/")
    assert subscription.secret in page.content.decode()


@pytest.mark.django_db
def test_admin_switches_off_and_on(admin_client, subscription):
    url = "/admin/webhooks/subscription/"
    admin_client.post(url, {"action": "disable", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert not subscription.is_active
    admin_client.post(url, {"action": "enable", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.disabled_at is None
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_delivery_page_shows_the_log_and_the_body(admin_client, subscription, submit):
    ticket = submit()
    event = ticket.events.get()
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=event,
        ticket=ticket,
        event_type="ticket.created",
        body='{"type":"ticket.created"}',
    )
    Attempt.objects.create(
        delivery=delivery,
        started_at=delivery.created_at,
        duration_ms=12,
        status_code=503,
        error="HTTP 503",
        response_excerpt="busy",
    )
    listing = admin_client.get("/admin/webhooks/delivery/")
    assert listing.status_code == 200 and ticket.number in listing.content.decode()
    page = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/").content.decode()
    assert delivery.message_id in page and "HTTP 503" in page and "ticket.created" in page


@pytest.mark.django_db
def test_delivered_deliveries_are_pruned_after_the_retention(subscription, submit, settings):
    from datetime import timedelta

    from django.utils import timezone

    from webhooks import delivery as pump

    settings.PORTAL_WEBHOOK_KEEP_DAYS = 90
    now = timezone.now()

    def make(status, sent_days_ago=None):
        ticket = submit()
        row = Delivery.objects.create(
            subscription=subscription,
            event=ticket.events.get(),
            ticket=ticket,
            event_type="ticket.created",
            body="{}",
            status=status,
            sent_at=now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None,
        )
        Attempt.objects.create(delivery=row, started_at=now, duration_ms=1, status_code=204)
        return row

    old, recent = make("sent", 91), make("sent", 89)
    waiting, given_up = make("pending"), make("failed")
    assert pump.prune(now) == 1
    assert set(Delivery.objects.values_list("pk", flat=True)) == {
        recent.pk,
        waiting.pk,
        given_up.pk,
    }
    assert not Attempt.objects.filter(delivery_id=old.pk).exists()
