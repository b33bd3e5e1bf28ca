"""The only writers of subscriptions outside the delivery machinery: creating, switching on and
off, rotating the secret, skipping ahead, and asking for deliveries to be sent again."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import changes

from . import signing
from .models import Delivery, Subscription

# A receiver has this long to switch to a new secret: both are used to sign meanwhile.
ROTATION_OVERLAP = timedelta(hours=24)


def _clean(url: str, event_types) -> list[str]:
    URLValidator(schemes=["http", "https"])(url)
    unknown = [t for t in event_types if t not in changes.EVENT_TYPES]
    if unknown:
        raise ValidationError({"event_types": _("Unknown event type: %s") % ", ".join(unknown)})
    return list(dict.fromkeys(event_types))


def subscription_create(*, client, url: str, event_types=(), language="") -> Subscription:
    """A new endpoint for the client; it receives the changes from now on."""
    subscription = Subscription(
        client=client,
        url=url,
        event_types=_clean(url, event_types),
        secret=signing.new_secret(),
    )
    if language:
        subscription.language = language
    subscription.cursor = changes.head()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_enable(*, subscription: Subscription) -> None:
    """Switch on again: the deliveries still pending are tried at once, and the changes made
    meanwhile follow (the cursor stayed where it was)."""
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    locked.is_active = True
    locked.disabled_at, locked.disabled_reason, locked.notice_sent_at = None, "", None
    locked.consecutive_failures, locked.failing_since = 0, None
    locked.save()
    locked.deliveries.filter(status=Delivery.Status.PENDING).update(next_attempt_at=timezone.now())


def subscription_disable(*, subscription: Subscription) -> None:
    """Switch off by hand (no notice): nothing is sent and no change is read meanwhile."""
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False)


def subscription_rotate_secret(*, subscription: Subscription) -> str:
    """A new secret; the old one still signs for `ROTATION_OVERLAP`. Returns the new one."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        locked.secret = signing.new_secret()
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return locked.secret


def subscription_skip_to_now(*, subscription: Subscription) -> None:
    """Forget the changes not yet read (after a long outage the client resynchronises itself);
    deliveries already made stay."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        locked.cursor = changes.head()
        locked.save(update_fields=["cursor_txid", "cursor_event"])


def deliveries_redeliver(ids) -> int:
    """Send these deliveries again (delivered or given up ones included), with the same
    `webhook-id`; returns how many were queued."""
    now = timezone.now()
    idle = Q(leased_until__isnull=True) | Q(leased_until__lt=now)  # not being sent right now
    return Delivery.objects.filter(idle, pk__in=list(ids)).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=now,
        leased_until=None,
        redelivery=True,
    )
