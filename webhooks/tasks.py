"""Celery tasks: thin wrappers around `fanout`, `delivery` and `notices`.

`sweep` runs on beat every `PORTAL_WEBHOOK_SWEEP_SECONDS` and after each committed ticket change
(`receivers`; such a nudge waits, a few half seconds at most, until its change is below the
feed's horizon): it fans the new changes out to every receiving subscription and starts one
`deliver` task per subscription with something due. Retries are not scheduled ahead: a delivery
waits in its row (`next_attempt_at`) and the next sweep after that time sends it.
"""

import logging
import time

from celery import shared_task
from django.conf import settings

from tickets import changes

from . import delivery, fanout, notices
from .models import Subscription

log = logging.getLogger(__name__)

# As the notification outbox: one quick retry, then leave it to the next beat.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
_paused_until = 0.0


def enqueue(task, *args, **kwargs) -> None:
    """Hand a task to the broker without making the caller wait: if the broker is down, the
    beat's next sweep does the work, and this process stops trying for a while."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            retry_policy=PUBLISH_RETRY_POLICY,
            expires=settings.PORTAL_WEBHOOK_SWEEP_SECONDS * 6,
        )
    except Exception:
        _paused_until = time.monotonic() + settings.PORTAL_OUTBOX_BROKER_PAUSE_SECONDS
        log.exception("webhooks: could not enqueue %s; beat's sweep will catch up", task.name)


def resume_broker() -> None:
    global _paused_until
    _paused_until = 0.0


def run_sweep(*, deliver_inline: bool = False) -> dict:
    """Fan out, then deliver what is due (inline, or one task per subscription)."""
    created = 0
    for pk in Subscription.objects.filter(is_active=True, client__is_active=True).values_list(
        "pk", flat=True
    ):
        created += fanout.fan_out(pk)
    due = list(delivery.due().values_list("subscription_id", flat=True).distinct())
    attempts = 0
    for pk in due:
        if deliver_inline:
            attempts += delivery.deliver_due(pk)
        else:
            enqueue(deliver, pk)
    return {
        "created": created,
        "due": len(due),
        "attempts": attempts,
        "notices": notices.send_due(),
    }


# A nudge whose change is not yet below the feed's horizon (an older transaction is still open
# somewhere) looks again this often, this many times, before leaving it to beat.
NUDGE_RETRY_SECONDS = 0.5
NUDGE_RETRIES = 20


@shared_task(bind=True, ignore_result=True)
def sweep(self, event_id: int | None = None) -> dict | None:
    """Beat's sweep, or a nudge for one committed event (`receivers`)."""
    if event_id is not None and not changes.visible(event_id):
        if self.request.retries < NUDGE_RETRIES:
            raise self.retry(countdown=NUDGE_RETRY_SECONDS, max_retries=NUDGE_RETRIES)
        return None
    return run_sweep()


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def deliver(subscription_id: int) -> int:
    """Send one subscription's due deliveries (a lease and the row's status make a repeated
    run harmless)."""
    return delivery.deliver_due(subscription_id)


@shared_task(ignore_result=True)
def send_notices() -> int:
    return notices.send_due()


@shared_task(ignore_result=True)
def prune() -> int:
    """Beat, hourly: forget delivered deliveries (and their attempts) past the retention."""
    return delivery.prune()
