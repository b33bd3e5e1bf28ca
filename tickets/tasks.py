"""Celery tasks: thin wrappers around `tickets.sweeps` and `tickets.outbox`.

No task is scheduled far ahead (Redis would redeliver it after the visibility timeout): beat
starts the sweeps every interval, each sweep message expires after one interval, and a retry
waits at most `PORTAL_NOTIFY_RETRY_CAP` seconds.
"""

import logging

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings

from . import outbox, sweeps

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def run_sweeps(recent: bool = True) -> None:
    """Beat's entry point: one `sweep` task per sweep, so workers run them side by side. The
    minute's run is `recent` and includes the outbox relay and digests; the hourly one is full."""
    names = sweeps.NAMES if recent else list(sweeps.SWEEPS)
    expires = settings.PORTAL_SWEEP_SECONDS if recent else settings.PORTAL_SWEEP_FULL_SECONDS
    for name in names:
        sweep.apply_async(args=[name, recent], expires=expires)


def sweep_everything_now() -> None:
    """What came due while no beat ran is found at once, not at the next hourly full sweep:
    called by the beat schedulers (portal.beat) when they start sending."""
    run_sweeps.apply_async(kwargs={"recent": False}, expires=settings.PORTAL_SWEEP_FULL_SECONDS)


@shared_task(ignore_result=True)
def sweep(name: str, recent: bool = False) -> int:
    created = sweeps.run(name, recent=recent)
    if created:
        log.info("sweep %s: %d notifications", name, created)
    return created


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id: int) -> str:
    """Deliver one outbox row. The message is acknowledged only after the attempt (acks_late)
    and requeued if the worker process dies during it; the row's claim, its status and the
    channel's idempotency key make a repeated run harmless. Time limits (settings,
    CELERY_TASK_ANNOTATIONS) end an attempt that hangs; it is retried like any failure."""
    max_retries = settings.PORTAL_NOTIFY_MAX_RETRIES
    retries = self.request.retries
    attempt = outbox.deliver(notification_id, retries=retries, last_try=retries >= max_retries)
    if attempt.outcome == "retry":
        try:
            raise self.retry(countdown=attempt.retry_in, max_retries=max_retries)
        except Retry:
            raise
        except Exception:  # the broker refused the retry: the relay hands it off later
            log.exception("deliver_notification %s: could not schedule the retry", notification_id)
            outbox.owe([notification_id])
    elif attempt.outcome == "busy":
        # Another attempt holds the row (or its retry waits): look again when it should be over,
        # without counting a retry. If that attempt's worker died, this one takes over.
        try:
            deliver_notification.apply_async(args=[notification_id], countdown=attempt.retry_in + 1)
        except Exception:  # the relay re-enqueues it once it is overdue
            log.exception("deliver_notification %s: could not look again later", notification_id)
    return attempt.outcome
