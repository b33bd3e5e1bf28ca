"""The notification outbox: writing rows once, delivering each at most once, and catching up.

Invariants:
- `add` inserts rows written in the transaction of the event that causes them (they cannot exist
  yet; the database's unique keys refuse a second one) and enqueues the pending ones after commit;
- `create` inserts with ON CONFLICT DO NOTHING against the unique keys of `Notification`, so
  however many sweeps, beats or retries offer the same notice, one row exists; only the rows this
  call inserted are enqueued, and only after its transaction commits;
- `deliver` locks the row, returns at once if it was sent, and otherwise makes one attempt,
  recording attempts, the last error, and the sent time or the next attempt; the channel gets the
  row's idempotency key;
- `relay` re-enqueues pending rows whose delivery should have happened long ago (the broker lost
  the message, or the process died between commit and enqueue): a duplicate task is harmless;
- `enqueue` never makes a request wait long for the broker: one quick retry, and after a failure
  this process leaves deliveries to the relay for `PORTAL_OUTBOX_BROKER_PAUSE_SECONDS` (the rows
  are stored; only their hand-off waits);
- `collect_digests` gathers each digest recipient's held rows into one `digest` row a day.
No task is scheduled far ahead: retries wait at most `PORTAL_NOTIFY_RETRY_CAP` seconds.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

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
        _enqueue_on_commit(pk for pk, status in inserted if status == Status.PENDING)
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


def _enqueue_on_commit(ids) -> None:
    pending = list(ids)
    if pending:
        transaction.on_commit(lambda: enqueue(pending))


# One quick retry (a pooled connection the broker closed meanwhile), not Celery's default three
# with pauses: the caller is usually a resident's request, and the relay catches up anything lost.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
_broker_paused_until = 0.0  # time.monotonic() before which this process does not try the broker


def enqueue(ids: list[int]) -> None:
    """Send one delivery task per id. If the broker is down, the relay enqueues them later; this
    process then stops trying for `PORTAL_OUTBOX_BROKER_PAUSE_SECONDS`, so that an outage does not
    slow every request down by the broker's connection attempts."""
    from .tasks import deliver_notification

    global _broker_paused_until
    if time.monotonic() < _broker_paused_until:
        log.info("outbox: broker paused; %d deliveries left to the relay", len(ids))
        return
    try:
        for pk in ids:
            deliver_notification.apply_async(args=[pk], retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        pause = settings.PORTAL_OUTBOX_BROKER_PAUSE_SECONDS
        _broker_paused_until = time.monotonic() + pause
        log.exception(
            "outbox: could not enqueue %d deliveries; the relay will retry them, and this process "
            "leaves new ones to it for %s s",
            len(ids),
            pause,
        )


def resume_broker() -> None:
    """Try the broker again at the next enqueue (tests; an operator's shell)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def backoff(retries: int) -> float:
    """Seconds before retry number `retries + 1`: exponential from the base, capped."""
    return min(settings.PORTAL_NOTIFY_RETRY_CAP, settings.PORTAL_NOTIFY_RETRY_BASE * 2**retries)


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "sent", "skipped", "retry" or "failed"
    retry_in: float = 0.0


@transaction.atomic
def deliver(notification_id: int, *, retries: int = 0, last_try: bool = False) -> Attempt:
    """One delivery attempt of one row (the Celery task's body)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("ticket__category", "ticket__lead_unit", "recipient", "article__owner")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.status != Status.PENDING:
        return Attempt("skipped")  # sent already, failed for good, or held for a digest
    now = timezone.now()
    notification.attempts += 1
    items = list(_digest_items(notification)) if notification.kind == Kind.DIGEST else []
    try:
        _send(notification, items)
    except Exception as error:
        permanent = isinstance(error, notify.DeliveryError) and error.permanent
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        if permanent or last_try:
            notification.status, notification.next_attempt_at = Status.FAILED, None
            outcome = Attempt("failed")
        else:
            wait = backoff(retries)
            notification.status = Status.PENDING
            notification.next_attempt_at = now + timedelta(seconds=wait)
            outcome = Attempt("retry", wait)
        log.warning(
            "outbox: notification %s attempt %s: %s",
            notification_id,
            notification.attempts,
            notification.last_error,
        )
        notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return outcome
    notification.status, notification.sent_at, notification.next_attempt_at = Status.SENT, now, None
    notification.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    if items:
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(
            status=Status.SENT, sent_at=now
        )
    return Attempt("sent")


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


def relay(now: datetime | None = None, *, limit: int = 1000) -> int:
    """Enqueue again pending rows whose delivery should have run `PORTAL_OUTBOX_STALE_SECONDS`
    ago; one indexed query (the partial index on pending rows)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PORTAL_OUTBOX_STALE_SECONDS)
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=stale)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
            transaction.on_commit(lambda: enqueue(ids))
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
