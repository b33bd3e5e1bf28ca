"""The outbox relay process (`python manage.py relay_outbox`): hands the broker what it is owed.

A delivery whose hand-off failed after commit (broker down or hung, or a web process pausing after
such a failure) is stored pending and owed (`tickets.outbox.enqueue`). The relay runs in its own
process, not in the Celery worker or beat, because it is needed exactly when the broker, and so
the worker and beat, are in trouble. Every `PORTAL_OUTBOX_RELAY_SECONDS` it:

- touches its heartbeat file (`manage.py healthcheck relay`);
- asks the broker whether it answers (bounded by `PORTAL_OUTBOX_HANDOFF_TIMEOUT`); during an
  outage it waits for the next round, logging the outage once and the recovery once;
- otherwise hands off, in batches of `PORTAL_OUTBOX_RELAY_BATCH`, every owed row and every row
  whose delivery is `PORTAL_OUTBOX_STALE_SECONDS` overdue, until none is left (`outbox.relay`):
  after an outage the backlog goes out at the broker's speed, thousands a second, not one batch
  a minute. The first round after an outage also re-enqueues the pending rows that were due
  before it began: a worker may have held their messages when the connection dropped, and Redis
  would hand those out again only after the visibility timeout (an hour);
- survives a database or broker error in a round (logged; the next round tries again).

One relay per installation is the layout (deploy/); a second is harmless (rows are taken with
SKIP LOCKED, and a duplicate delivery task finds its row sent).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from portal import broker, heartbeat

from . import outbox

log = logging.getLogger(__name__)


def run(stop: threading.Event) -> None:
    """Relay rounds until `stop` is set (the command sets it on SIGTERM or SIGINT)."""
    outage_since = None  # when this process first found the broker not answering
    while not stop.is_set():
        heartbeat.touch("relay")
        answers = broker.answers(settings.PORTAL_OUTBOX_HANDOFF_TIMEOUT)
        if not answers and outage_since is None:
            outage_since = timezone.now()
            log.warning("relay: the broker does not answer; owed deliveries wait for it")
        if answers:
            if outage_since is not None:
                log.info("relay: the broker answers again; handing off what it is owed")
            outbox.resume_broker()
            handed_off = relay_round(stop, due_before=outage_since)
            if handed_off:
                log.info("relay: handed %d deliveries to the broker", handed_off)
            outage_since = None
        stop.wait(settings.PORTAL_OUTBOX_RELAY_SECONDS)


def relay_round(stop: threading.Event | None = None, *, due_before=None) -> int:
    """Batches until nothing is owed or overdue, or the broker fails again; returns the count."""
    total = 0
    batch = settings.PORTAL_OUTBOX_RELAY_BATCH
    try:
        close_old_connections()  # a long-running process: reconnect after a database restart
        while stop is None or not stop.is_set():
            count = outbox.relay(limit=batch, due_before=due_before)
            total += count
            if count < batch or outbox.broker_paused():
                break
    except Exception:
        log.exception("relay: the round failed; trying again in the next one")
    return total
