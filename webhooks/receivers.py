"""A committed ticket change starts a sweep at once, when there is any subscription to feed.

This is only a nudge: the deliveries come from the change feed, so a nudge lost (the broker down,
the process gone between commit and here) delays them until beat's next sweep, never loses them.
Whether any subscription exists is read at most every `RECHECK_SECONDS` per process, so the
create path pays nothing while no client subscribes.
"""

import time

from django.dispatch import receiver

from tickets.signals import ticket_changed

RECHECK_SECONDS = 5.0
_known = {"at": float("-inf"), "any": False}


def any_subscription() -> bool:
    from .models import Subscription

    now = time.monotonic()
    if now - _known["at"] >= RECHECK_SECONDS:
        _known["any"] = Subscription.objects.filter(is_active=True).exists()
        _known["at"] = now
    return _known["any"]


def forget() -> None:
    """Read again at the next change (tests; a new subscription in this process)."""
    _known["at"] = float("-inf")


@receiver(ticket_changed)
def nudge_webhooks(sender, event_id=None, **kwargs):
    if any_subscription():
        from . import tasks

        tasks.enqueue(tasks.sweep, event_id=event_id)
