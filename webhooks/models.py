"""Webhook subscriptions of API clients, one delivery row per (subscription, event), and the log
of every attempt.

Invariants:
- a subscription follows the change feed (`tickets.changes`) from its own cursor: the fan-out
  turns the changes after the cursor into deliveries and moves the cursor in one transaction,
  and (subscription, event) is unique, so each event becomes exactly one delivery however often
  the fan-out runs, and none is skipped;
- a delivery's body is stored as sent; its `webhook-id` (`message_id`) is the same at every
  attempt, so a receiver can drop a repeat;
- a pending delivery is sent only when no earlier event of the same ticket is pending for the
  same subscription: a ticket's events arrive in the order they happened;
- a subscription is `receiving` while switched on and its client active; when it has failed
  without a success for long enough it is switched off automatically (`disabled_at` set) and
  its client's contact is told once (`notice_sent_at`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.changes import Cursor


def default_language() -> str:
    return settings.LANGUAGE_CODE


class Subscription(models.Model):
    """An API client's endpoint for ticket events (its own tickets and its units', as the API
    shows them to it)."""

    client = models.ForeignKey(
        "clients.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.PROTECT,
        related_name="webhooks",
    )
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where events are POSTed."))
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("None chosen: every type.")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=default_language
    )
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    previous_secret = models.CharField(
        _("previous signing secret"), max_length=100, blank=True, editable=False
    )
    previous_secret_until = models.DateTimeField(
        _("previous secret signs until"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("switched on"), default=True, editable=False)
    disabled_at = models.DateTimeField(
        _("disabled automatically at"), null=True, blank=True, editable=False
    )
    disabled_reason = models.TextField(_("why it was disabled"), blank=True, editable=False)
    notice_sent_at = models.DateTimeField(
        _("client told at"), null=True, blank=True, editable=False
    )
    cursor_txid = models.BigIntegerField(default=0, editable=False)
    cursor_event = models.BigIntegerField(default=0, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        _("failed attempts in a row"), default=0, editable=False
    )
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last delivered"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["client", "pk"]

    def __str__(self):
        return f"{self.client} → {self.url}"

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.cursor_txid, self.cursor_event)

    @cursor.setter
    def cursor(self, value: Cursor) -> None:
        self.cursor_txid, self.cursor_event = value.txid, value.event

    @property
    def receiving(self) -> bool:
        return self.is_active and self.client.is_active


class Delivery(models.Model):
    """One event owed to one subscription."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("delivered")
        FAILED = "failed", _("given up")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,  # covered by the unique (subscription, event)
    )
    event = models.ForeignKey(
        "tickets.TicketEvent",
        verbose_name=_("trajectory event"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the pending-order index
    )
    event_type = models.CharField(_("event type"), max_length=40)
    body = models.TextField(_("body"), help_text=_("The JSON sent, exactly."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    leased_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    redelivery = models.BooleanField(
        _("redelivery asked"), default=False, help_text=_("Staff asked to send it again.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            # The pump's query: due rows of one subscription ...
            models.Index(
                fields=["subscription", "next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
            # ... and whether an earlier event of the same ticket is still pending.
            models.Index(
                fields=["subscription", "ticket", "event"],
                condition=Q(status="pending"),
                name="webhook_delivery_ticket_order",
            ),
            models.Index(fields=["created_at"], name="webhook_delivery_created"),
        ]

    def __str__(self):
        return f"{self.event_type} · {self.message_id}"

    @property
    def message_id(self) -> str:
        """The `webhook-id`: one per (subscription, event), the same at every attempt."""
        return f"msg_{self.subscription_id}_{self.event_id}"


class Attempt(models.Model):
    """The delivery log: one row per HTTP call."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="log"
    )
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.TextField(_("start of the answer"), blank=True)
    manual = models.BooleanField(_("redelivery asked by staff"), default=False)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
