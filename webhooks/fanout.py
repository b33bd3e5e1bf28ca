"""From the change feed to delivery rows, per subscription.

Each subscription reads the feed (`tickets.changes`) from its own cursor, through the same scope
as the client's API calls (`tickets.api.scope.events_for_caller`: a client gets the public events
of its own submissions and every event of its units' tickets), filtered by its event types. In
one transaction, under the subscription's row lock, the new deliveries are inserted (the unique
(subscription, event) makes a repeat insert nothing) and the cursor moves past what was read.
So each event becomes one delivery, exactly once; an event committed late is picked up by a
later run, because the feed only moves past changes that are final. Payloads are built here, as
the API would show them to the client at this moment, and stored as sent.
"""

import json
from datetime import UTC

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from rest_framework.utils import encoders

from tickets import changes
from tickets.api.scope import events_for_caller
from tickets.api.serializers.changes import EVENT_RELATED, change_items

from .models import Delivery, Subscription

PAGE = 200


def fan_out(subscription_id: int, *, pages: int = 10) -> int:
    """Deliveries for the subscription's new changes, at most `pages` pages; returns how many
    were created."""
    created = 0
    for _ in range(pages):
        count, more = _page(subscription_id)
        created += count
        if not more:
            break
    return created


@transaction.atomic
def _page(subscription_id: int) -> tuple[int, bool]:
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("client__user")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None or not subscription.receiving:
        return 0, False
    client = subscription.client
    events = events_for_caller(client.user, client).select_related(*EVENT_RELATED)
    if subscription.event_types:
        events = events.filter(action__in=changes.actions_of(subscription.event_types))
    page = changes.read(events, subscription.cursor, PAGE)
    now = timezone.now()
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        items = change_items(page.events, user=client.user, client=client, now=now)
    rows = [
        Delivery(
            subscription=subscription,
            event=event,
            ticket_id=event.ticket_id,
            event_type=item["type"],
            body=body(item, event),
            next_attempt_at=now,
            created_at=now,
        )
        for event, item in zip(page.events, items, strict=True)
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    subscription.cursor = page.next
    subscription.save(update_fields=["cursor_txid", "cursor_event"])
    return len(rows), page.more


def body(item: dict, event) -> str:
    """The Standard Webhooks payload shape: `type`, `timestamp` (the event's), `data`."""
    payload = {
        "type": item["type"],
        "timestamp": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": item,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), cls=encoders.JSONEncoder)
