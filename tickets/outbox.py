"""The notification outbox: writing rows once, delivering each at most once, and catching up.

Invariants:
- `add` inserts rows written in the transaction of the event that causes them (they cannot exist
  yet; the database's unique keys refuse a second one) and enqueues the pending ones after commit;
- `create` inserts with ON CONFLICT DO NOTHING against the unique keys of `Notification`, so
  however many sweeps, beats or retries offer the same notice, one row exists; only the rows this
  call inserted are enqueued, and only after its transaction commits;
- `deliver` claims the row in a short transaction (counting the attempt, and leasing the row for
  `PORTAL_NOTIFY_ATTEMPT_SECONDS` through `next_attempt_at`), sends with no transaction open and
  no row locked, and records the outcome in a second one; a row sent, failed for good, held, or
  leased by a running attempt is not sent again; the channel gets the row's idempotency key;
- `enqueue` never holds a request longer than `PORTAL_OUTBOX_HANDOFF_TIMEOUT` for the broker (its
  connection's every call is bounded, one quick retry), and after a failure this process leaves
  deliveries to the relay for `PORTAL_OUTBOX_BROKER_PAUSE_SECONDS`; a delivery it could not hand
  off is marked owed (pending, `next_attempt_at` NULL);
- `relay` (run by its own process, `manage.py relay_outbox`) hands off the owed rows as soon as the
  broker answers again, and re-enqueues pending rows whose delivery should have happened
  `PORTAL_OUTBOX_STALE_SECONDS` ago (a message the broker lost, a process that died between commit
  and hand-off): a duplicate task is harmless;
- `collect_digests` gathers each digest recipient's held rows into one `digest` row a day.
No task is scheduled far ahead: retries wait at most `PORTAL_NOTIFY_RETRY_CAP` seconds.
"""

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from portal import broker

from . import notice_texts, notify
from .models import Notification

log = logging.getLogger(__name__)
Status = Notification.Status
Channel = Notification.Channel
Kind = Notification.Kind


def create(rows: list[Notification]) -> list[int]:
    """Insert the rows that do not exist yet; return the ids of those inserted. The pending ones
    among them are enqueued for delivery once the transaction commits."""
    if not rows:
        return []
    token = uuid.uuid4()
    _stamp(rows, batch=token)
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        inserted = list(
            Notification.objects.filter(batch=token).values_list("pk", "status").order_by("pk")
        )
        _enqueue_on_commit((pk for pk, status in inserted if status == Status.PENDING), whole=True)
    return [pk for pk, _status in inserted]


def add(rows: list[Notification]) -> list[int]:
    """Insert new rows in the caller's transaction, in one statement; return their ids. The pending
    ones are enqueued for delivery once that transaction commits (nothing, if it rolls back)."""
    if not rows:
        return []
    _stamp(rows)
    Notification.objects.bulk_create(rows)
    _enqueue_on_commit(row.pk for row in rows if row.status == Status.PENDING)
    return [row.pk for row in rows]


def _stamp(rows: list[Notification], batch=None) -> None:
    """Creation time (now unless set), batch, and a pending row's first attempt at creation."""
    now = timezone.now()
    for row in rows:
        row.batch = batch
        row.created_at = row.created_at or now
        if row.status == Status.PENDING:
            row.next_attempt_at = row.created_at


def _enqueue_on_commit(ids, *, whole: bool = False) -> None:
    pending = list(ids)
    if pending:
        transaction.on_commit(lambda: enqueue(pending, whole=whole))


# One quick retry (a pooled connection the broker closed meanwhile), not Celery's default three
# with pauses: the caller is usually a resident's request, and the relay catches up anything lost.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
_broker_paused_until = 0.0  # time.monotonic() before which this process does not try the broker
# This process's hand-off connection (`broker.quick_connection`: every call bounded), one per
# process, used by one thread at a time.
_handoff_lock = threading.Lock()
_handoff = {"key": None, "connection": None}


def enqueue(ids, *, whole: bool = False) -> int:
    """Send one delivery task per id; return how many were sent. What could not be sent within
    `PORTAL_OUTBOX_HANDOFF_TIMEOUT` (broker down, hung or slow; this process pausing after a
    failure) is marked owed, and the relay hands it off when the broker answers. After a failure
    this process stops trying for `PORTAL_OUTBOX_BROKER_PAUSE_SECONDS`, so an outage costs one
    request per process and interval a bounded wait, not every request.

    `whole`: no time limit for the batch as a whole (a sweep's or the relay's hundreds of rows,
    where nobody waits for a response); each call to the broker stays bounded."""
    from .tasks import deliver_notification

    global _broker_paused_until
    ids = list(ids)
    budget = settings.PORTAL_OUTBOX_HANDOFF_TIMEOUT
    batch_budget = float("inf") if whole else budget
    started = time.monotonic()
    sent = 0
    if started < _broker_paused_until:
        log.info("outbox: broker paused; %d deliveries left to the relay", len(ids))
    elif not _handoff_lock.acquire(timeout=budget):
        log.warning(
            "outbox: hand-off busy for %s s; %d deliveries left to the relay", budget, len(ids)
        )
    else:
        try:
            for pk in ids:
                if time.monotonic() - started > batch_budget or broker_paused():
                    log.warning(
                        "outbox: hand-off over %s s or paused; %d deliveries left to the relay",
                        budget,
                        len(ids) - sent,
                    )
                    break
                deliver_notification.apply_async(
                    args=[pk], connection=_handoff_connection(), retry_policy=PUBLISH_RETRY_POLICY
                )
                sent += 1
        except Exception:
            pause = settings.PORTAL_OUTBOX_BROKER_PAUSE_SECONDS
            _broker_paused_until = time.monotonic() + pause
            _drop_handoff_connection()
            log.exception(
                "outbox: could not enqueue %d deliveries; the relay will hand them off, and this "
                "process leaves new ones to it for %s s",
                len(ids) - sent,
                pause,
            )
        finally:
            _handoff_lock.release()
    if sent < len(ids):
        owe(ids[sent:])
    return sent


def _handoff_connection():
    """This process's connection (a forked child makes its own) to the configured broker."""
    key = (os.getpid(), broker.url())
    if _handoff["key"] != key or _handoff["connection"] is None:
        _drop_handoff_connection()
        _handoff["key"] = key
        _handoff["connection"] = broker.quick_connection(settings.PORTAL_OUTBOX_HANDOFF_TIMEOUT)
    return _handoff["connection"]


def _drop_handoff_connection() -> None:
    connection, _handoff["connection"] = _handoff["connection"], None
    if connection is not None and (_handoff["key"] or (None,))[0] == os.getpid():
        try:
            connection.release()
        except Exception:
            log.debug("outbox: closing the failed hand-off connection", exc_info=True)


def owe(ids) -> None:
    """Mark deliveries the broker did not get as owed to the relay (pending, no attempt time).

    Called after commit, where nothing may fail the request: an error here only leaves the rows to
    the relay's stale catch-up."""
    try:
        Notification.objects.filter(pk__in=list(ids), status=Status.PENDING).update(
            next_attempt_at=None
        )
    except Exception:
        log.exception("outbox: could not mark %d deliveries as owed to the relay", len(ids))


def broker_paused() -> bool:
    return time.monotonic() < _broker_paused_until


def resume_broker() -> None:
    """Try the broker again at the next enqueue (the relay, once the broker answers; tests)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def backoff(retries: int) -> float:
    """Seconds before retry number `retries + 1`: exponential from the base, capped."""
    return min(settings.PORTAL_NOTIFY_RETRY_CAP, settings.PORTAL_NOTIFY_RETRY_BASE * 2**retries)


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "sent", "skipped", "busy" (another attempt holds the row), "retry" or "failed"
    retry_in: float = 0.0


def deliver(notification_id: int, *, retries: int = 0, last_try: bool = False) -> Attempt:
    """One delivery attempt of one row (the Celery task's body).

    The row is claimed in one short transaction and the outcome recorded in another: no row lock
    and no transaction is held while the channel talks to the network. The attempt is counted
    when it starts, so one that a crash interrupted is counted too."""
    claim = _claim(notification_id)
    if isinstance(claim, Attempt):
        return claim
    notification, items = claim
    try:
        _send(notification, items)
    except Exception as error:
        return _record_failure(notification, error, retries=retries, last_try=last_try)
    _record_sent(notification, items)
    return Attempt("sent")


@transaction.atomic
def _claim(notification_id: int):
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("ticket__category", "ticket__lead_unit", "recipient", "article__owner")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.status != Status.PENDING:
        return Attempt("skipped")  # sent already, failed for good, or held for a digest
    now = timezone.now()
    if notification.next_attempt_at is not None and notification.next_attempt_at > now:
        # Another attempt runs (its lease), or a retry waits: look again when that is over.
        return Attempt("busy", (notification.next_attempt_at - now).total_seconds())
    notification.attempts += 1
    notification.next_attempt_at = now + timedelta(seconds=settings.PORTAL_NOTIFY_ATTEMPT_SECONDS)
    notification.save(update_fields=["attempts", "next_attempt_at"])
    items = list(_digest_items(notification)) if notification.kind == Kind.DIGEST else []
    return notification, items


@transaction.atomic
def _record_failure(notification, error: Exception, *, retries: int, last_try: bool) -> Attempt:
    permanent = isinstance(error, notify.DeliveryError) and error.permanent
    last_error = f"{type(error).__name__}: {error}"[:2000]
    log.warning(
        "outbox: notification %s attempt %s: %s", notification.pk, notification.attempts, last_error
    )
    current = Notification.objects.select_for_update().filter(pk=notification.pk).first()
    if (
        current is None
        or current.status != Status.PENDING
        or current.attempts != notification.attempts
    ):
        return Attempt("skipped")  # a later attempt took the row over after this one's lease
    current.last_error = last_error
    if permanent or last_try:
        current.status, current.next_attempt_at = Status.FAILED, None
        outcome = Attempt("failed")
    else:
        wait = backoff(retries)
        current.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        outcome = Attempt("retry", wait)
    current.save(update_fields=["last_error", "status", "next_attempt_at"])
    return outcome


@transaction.atomic
def _record_sent(notification, items) -> None:
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, status=Status.PENDING).update(
        status=Status.SENT, sent_at=now, next_attempt_at=None
    )
    if items:
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(
            status=Status.SENT, sent_at=now
        )


def _send(notification: Notification, items) -> None:
    text = notice_texts.render(notification, items=items)
    key = notification.idempotency_key
    if notification.channel == Channel.SMS:
        notify.send_sms(to=notification.ticket.contact_phone, text=text.body, key=key)
    elif notification.channel == Channel.EMAIL:
        to = (
            notification.recipient.email
            if notification.recipient_id
            else notification.ticket.contact_email
        )
        notify.send_email(to=to, subject=text.subject, body=text.body, key=key)
    # Channel.ADMIN: the row itself is the notice, shown in "my reminders".


def _digest_items(digest: Notification):
    return digest.items.select_related("ticket__lead_unit").order_by("deadline", "pk")


def retry(ids) -> int:
    """Put failed rows back in the queue (the admin's "retry" action); returns how many."""
    with transaction.atomic():
        now = timezone.now()
        failed = list(
            Notification.objects.filter(pk__in=list(ids), status=Status.FAILED).values_list(
                "pk", flat=True
            )
        )
        Notification.objects.filter(pk__in=failed).update(
            status=Status.PENDING, next_attempt_at=now
        )
        if failed:
            transaction.on_commit(lambda: enqueue(failed))
    return len(failed)


def relay(
    now: datetime | None = None, *, limit: int = 500, due_before: datetime | None = None
) -> int:
    """Hand off rows owed to the broker, and enqueue again pending rows whose delivery should have
    run `PORTAL_OUTBOX_STALE_SECONDS` ago, or before `due_before` (the start of a broker outage:
    their messages may have been in a worker when it began, and Redis would hand them out again
    only after the visibility timeout); one indexed query (the partial index on pending rows).
    Rows another relay is handing off are skipped (SKIP LOCKED)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PORTAL_OUTBOX_STALE_SECONDS)
    if due_before is not None:
        stale = max(stale, due_before)
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(status=Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=stale))
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
            transaction.on_commit(lambda: enqueue(ids, whole=True))
    return len(ids)


def digest_moment(now: datetime) -> datetime | None:
    """Today's digest time (local), or None before it."""
    local = timezone.localtime(now)
    if local.hour < settings.PORTAL_DIGEST_HOUR:
        return None
    return local.replace(hour=settings.PORTAL_DIGEST_HOUR, minute=0, second=0, microsecond=0)


def collect_digests(now: datetime | None = None) -> int:
    """From the digest hour on, put each recipient's held rows into today's digest row.

    A recipient gets one digest a day: rows held after it was made wait for tomorrow's.
    """
    now = now or timezone.now()
    moment = digest_moment(now)
    if moment is None:
        return 0
    held = Notification.objects.filter(status=Status.HELD, digest__isnull=True)
    with transaction.atomic():
        users = set(held.order_by().values_list("recipient_id", flat=True).distinct())
        if not users:
            return 0
        emails = dict(get_user_model().objects.filter(pk__in=users).values_list("pk", "email"))
        # Someone whose address was removed since: their notices stay in the admin only.
        held.filter(recipient_id__in=[u for u in users if not emails.get(u)]).update(
            channel=Channel.ADMIN, status=Status.SENT, sent_at=now
        )
        digests = [
            Notification(
                kind=Kind.DIGEST,
                recipient_id=user,
                channel=Channel.EMAIL,
                deadline=moment,
                created_at=now,
            )
            for user in sorted(users)
            if emails.get(user)
        ]
        new = create(digests)
        todays = Notification.objects.filter(
            pk__in=new, kind=Kind.DIGEST, recipient_id=OuterRef("recipient_id")
        )
        held.filter(Exists(todays)).update(digest_id=Subquery(todays.values("pk")[:1]))
    return len(new)
