"""Sending deliveries: claiming one at a time, one HTTP attempt, recording the outcome.

Invariants:
- no transaction is open during an HTTP call (an open write transaction would hold the change
  feed's horizon back): a delivery is claimed with a lease (`leased_until`) in one short
  transaction, sent, and its outcome recorded in another; a lease outlives the call's total
  time limit, so two workers never send one delivery at once, and a worker that dies mid-call
  leaves a delivery that is sent again after the lease (the same `webhook-id`);
- a delivery is claimed only when no earlier event of its ticket is pending for the same
  subscription: a ticket's events arrive in order; other tickets do not wait for it;
- a failed attempt is retried after `backoff(attempts)` (exponential, capped), up to
  `PORTAL_WEBHOOK_MAX_ATTEMPTS`, then given up (staff may redeliver it from the admin);
- a success resets the subscription's run of failures; a run that has lasted
  `PORTAL_WEBHOOK_DISABLE_AFTER_HOURS` with at least `PORTAL_WEBHOOK_DISABLE_MIN_FAILURES`
  attempts switches the subscription off and owes its client's contact one e-mail (`notices`).
Locks are taken subscription first, then delivery, everywhere.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import sender, signing
from .models import Attempt, Delivery, Subscription

log = logging.getLogger(__name__)
Status = Delivery.Status
LEASE_MARGIN = timedelta(seconds=30)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt."""
    base, cap = settings.PORTAL_WEBHOOK_RETRY_BASE, settings.PORTAL_WEBHOOK_RETRY_CAP
    return timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def due(now=None):
    """Pending deliveries that may be sent now (lease free, time come)."""
    now = now or timezone.now()
    return Delivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )


def deliver_due(subscription_id: int, *, budget: float = 60.0) -> int:
    """Send the subscription's due deliveries one after another for at most about `budget`
    seconds; returns how many attempts were made. What is left waits for the next sweep."""
    stop, made = time.monotonic() + budget, 0
    while time.monotonic() < stop:
        delivery = claim(subscription_id)
        if delivery is None:
            break
        attempt(delivery)
        made += 1
    return made


def claim(subscription_id: int) -> Delivery | None:
    """Lease the first sendable delivery of the subscription (None if there is none)."""
    with transaction.atomic():
        now = timezone.now()
        earlier = Delivery.objects.filter(
            subscription_id=OuterRef("subscription_id"),
            ticket_id=OuterRef("ticket_id"),
            status=Status.PENDING,
            event_id__lt=OuterRef("event_id"),
        )
        delivery = (
            due(now)
            .filter(
                subscription_id=subscription_id,
                subscription__is_active=True,
                subscription__client__is_active=True,
            )
            .filter(~Exists(earlier))
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("event_id")
            .first()
        )
        if delivery is None:
            return None
        delivery.leased_until = (
            now + timedelta(seconds=settings.PORTAL_WEBHOOK_TIMEOUT) + (LEASE_MARGIN)
        )
        delivery.save(update_fields=["leased_until"])
    return delivery


def attempt(delivery: Delivery) -> sender.Result:
    """One HTTP call for a claimed delivery, and its record."""
    subscription = Subscription.objects.get(pk=delivery.subscription_id)
    started = timezone.now()
    headers = signing.headers(
        subscription, message_id=delivery.message_id, body=delivery.body, at=started
    )
    result = sender.post(
        subscription.url,
        delivery.body.encode(),
        headers,
        timeout=settings.PORTAL_WEBHOOK_TIMEOUT,
    )
    record(delivery.pk, result, started=started)
    return result


@transaction.atomic
def record(delivery_id: int, result: sender.Result, *, started) -> None:
    now = timezone.now()
    subscription = Subscription.objects.select_for_update(of=("self",)).get(
        deliveries__pk=delivery_id
    )
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    Attempt.objects.create(
        delivery=delivery,
        started_at=started,
        duration_ms=result.duration_ms,
        status_code=result.status,
        error=result.error,
        response_excerpt=result.excerpt,
        manual=delivery.redelivery,
    )
    delivery.attempts += 1
    delivery.leased_until, delivery.redelivery = None, False
    delivery.last_status_code, delivery.last_error = result.status, result.error
    if result.ok:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = Status.SENT, now, None
        subscription.consecutive_failures, subscription.failing_since = 0, None
        subscription.last_success_at = now
    else:
        log.warning(
            "webhook %s to %s, attempt %s: %s",
            delivery.message_id,
            subscription.url,
            delivery.attempts,
            result.error,
        )
        if delivery.attempts >= settings.PORTAL_WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Status.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        subscription.consecutive_failures += 1
        subscription.failing_since = subscription.failing_since or started
        if _failing_too_long(subscription, now):
            _disable(subscription, now, last_error=result.error)
    delivery.save()
    subscription.save(
        update_fields=[
            "consecutive_failures",
            "failing_since",
            "last_success_at",
            "is_active",
            "disabled_at",
            "disabled_reason",
        ]
    )


def _failing_too_long(subscription: Subscription, now) -> bool:
    since = subscription.failing_since
    long_enough = timedelta(hours=settings.PORTAL_WEBHOOK_DISABLE_AFTER_HOURS)
    return (
        subscription.is_active
        and since is not None
        and now - since >= long_enough
        and subscription.consecutive_failures >= settings.PORTAL_WEBHOOK_DISABLE_MIN_FAILURES
    )


def _disable(subscription: Subscription, now, *, last_error: str) -> None:
    from . import tasks

    subscription.is_active, subscription.disabled_at = False, now
    subscription.disabled_reason = (
        _("%(count)d failed attempts in a row since %(since)s; the last: %(error)s")
        % {
            "count": subscription.consecutive_failures,
            "since": timezone.localtime(subscription.failing_since).strftime("%Y-%m-%d %H:%M"),
            "error": last_error,
        }
    )[:2000]
    log.warning("webhook subscription %s disabled: %s", subscription.pk, last_error)
    transaction.on_commit(lambda: tasks.enqueue(tasks.send_notices))


def prune(now=None, *, batch: int = 5000) -> int:
    """Delete delivered deliveries older than `PORTAL_WEBHOOK_KEEP_DAYS`, with their log, in
    batches; pending and given-up ones stay (staff may still send them). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PORTAL_WEBHOOK_KEEP_DAYS)
    deleted = 0
    while True:
        ids = list(
            Delivery.objects.filter(status=Status.SENT, sent_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:batch]
        )
        if not ids:
            return deleted
        Attempt.objects.filter(delivery_id__in=ids).delete()
        deleted += Delivery.objects.filter(pk__in=ids).delete()[0]
