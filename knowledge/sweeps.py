"""The expiry sweep: published articles past their last valid day warn their owning unit.

One indexed query (the partial index on published articles' `valid_until`) finds them; each
gets one outbox row per recipient, keyed by (article, kind, recipient, deadline) where the
deadline is the moment the article expired (the start of the day after `valid_until`, Beijing
time), so however often the sweep runs — hourly on beat, twice, side by side — each recipient
is warned once per expiry; an article given a new date and left to expire again warns again.

Recipients: the owning unit's heads (who may correct or withdraw a published article), else its
handlers, else the hotline's supervisors (always for the hotline centre's own articles), so a
warning always reaches someone. The warning is e-mailed at once (not held for a unit's daily
digest) and listed under "my reminders"; staff without an e-mail address see it there only.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from departments.models import Membership
from tickets import outbox
from tickets.models import Notification
from tickets.recipients import Directory

from . import selectors

Kind = Notification.Kind
Role = Membership.Role


def expired_at(valid_until) -> datetime:
    """The moment an article valid until `valid_until` (inclusive) expired."""
    return timezone.make_aware(datetime.combine(valid_until + timedelta(days=1), time.min))


def warn_expired_articles(now: datetime | None = None) -> int:
    """Create the warnings due at `now`; returns how many rows were created."""
    now = now or timezone.now()
    found = list(
        selectors.expired_published(timezone.localdate(now))
        .order_by("valid_until", "pk")
        .values_list("pk", "owner_id", "valid_until", "title")[: settings.PORTAL_SWEEP_BATCH]
    )
    if not found:
        return 0
    directory = Directory(owner for _pk, owner, _until, _title in found)
    rows = []
    for pk, owner, until, title in found:
        recipients = (
            directory.by_unit_role[(owner, Role.UNIT_HEAD)]
            or directory.by_unit_role[(owner, Role.HANDLER)]
            or directory.hotline[Role.SUPERVISOR]
        )
        for recipient in {r.user_id: r for r in recipients}.values():
            row = Notification(
                article_id=pk,
                kind=Kind.ARTICLE_EXPIRED,
                recipient_id=recipient.user_id,
                deadline=expired_at(until),
                data={"title": title, "valid_until": until.isoformat()},
                created_at=now,
            )
            if recipient.email:
                row.channel, row.status = Notification.Channel.EMAIL, Notification.Status.PENDING
            else:
                row.channel, row.status = Notification.Channel.ADMIN, Notification.Status.SENT
                row.sent_at = now
            rows.append(row)
    return len(outbox.create(rows))
