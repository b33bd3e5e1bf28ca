"""Telling a client's contact that one of its webhooks was switched off after failing too long.

Owed once per automatic disabling (`Subscription.notice_sent_at` empty while `disabled_at` is
set); `send_due` runs after the disabling commits and in every sweep until the mail server has
taken the message. Each notice is claimed before it is sent, so two sweeps send it once.
"""

import logging

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets import notify

from .models import Delivery, Subscription

log = logging.getLogger(__name__)


def owed():
    return Subscription.objects.filter(
        is_active=False, disabled_at__isnull=False, notice_sent_at__isnull=True
    )


def send_due() -> int:
    sent = 0
    for pk in owed().values_list("pk", flat=True):
        sent += _send(pk)
    return sent


def _send(subscription_id: int) -> int:
    # Claimed first, in its own short statement: no transaction stays open while the mail
    # server answers (it would hold the change feed's horizon back). A transient failure
    # gives the claim back for the next sweep.
    now = timezone.now()
    if not owed().filter(pk=subscription_id).update(notice_sent_at=now):
        return 0
    subscription = Subscription.objects.select_related("client").get(pk=subscription_id)
    address = subscription.client.contact_email
    if not address:
        log.warning("webhook %s disabled; its client has no contact e-mail", subscription_id)
        return 0
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        subject, body = _message(subscription)
    key = f"12345-webhook-{subscription_id}-disabled-{subscription.disabled_at:%Y%m%d%H%M%S}"
    try:
        notify.send_email(to=address, subject=subject, body=body, key=key)
    except notify.DeliveryError as error:
        log.warning("webhook notice for %s: %s", subscription_id, error)
        if not error.permanent:
            Subscription.objects.filter(pk=subscription_id, notice_sent_at=now).update(
                notice_sent_at=None
            )
        return 0
    return 1


def _message(subscription: Subscription) -> tuple[str, str]:
    waiting = subscription.deliveries.filter(status=Delivery.Status.PENDING).count()
    subject = _("12345 hotline: your webhook %(url)s was switched off") % {"url": subscription.url}
    body = _(
        "Dear %(client)s,\n\n"
        "the 12345 hotline could not deliver ticket events to your webhook\n"
        "%(url)s\n"
        "since %(since)s and has switched it off.\n"
        "Reason: %(reason)s\n\n"
        "No event is lost: %(waiting)d deliveries are waiting, and the changes made meanwhile\n"
        "will follow once the webhook is switched on again. Please repair the endpoint and ask\n"
        "the hotline's administrators to switch it on (or read GET /api/v1/changes/ meanwhile).\n"
    ) % {
        "client": subscription.client.name,
        "url": subscription.url,
        "since": timezone.localtime(
            subscription.failing_since or subscription.disabled_at
        ).strftime("%Y-%m-%d %H:%M"),
        "reason": subscription.disabled_reason,
        "waiting": waiting,
    }
    return subject, body
