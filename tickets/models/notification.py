"""The notification outbox: one row per message owed to someone about a ticket.

Invariants:
- a staff row is unique by (ticket, kind, recipient, deadline) and a resident row by
  (ticket, kind, channel, deadline), so a repeated sweep, a second beat process or a retried task
  finds the row already there and creates nothing (`tickets.outbox.create`);
- `deadline` is the deadline the notice is about (for the resident's notices: the moment of the
  event they report; for a repeated escalation: the day's repetition of the overdue deadline);
- a row is delivered at most once: delivery locks it, and a `sent` row is never sent again; the
  row's id is the idempotency key handed to the channel (`Notification.idempotency_key`);
- rows held for a unit's daily digest are sent as part of one `digest` row (ticket empty);
- a row is about a ticket, or (for a knowledge-base article past its last valid day, issue 14)
  about an article, with its own unique key (article, kind, recipient, deadline); the digest
  alone is about neither.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def default_language() -> str:
    return settings.LANGUAGE_CODE


class Notification(models.Model):
    class Kind(models.TextChoices):
        # Staff warnings, found by the sweeps (tickets.sweeps).
        ACCEPT_SOON = "accept_soon", _("acceptance due soon")
        ACCEPT_OVERDUE = "accept_overdue", _("acceptance overdue")
        DISPATCH_SOON = "dispatch_soon", _("dispatch due soon")
        DISPATCH_OVERDUE = "dispatch_overdue", _("dispatch overdue")
        RESPONSE_SOON = "response_soon", _("first contact due soon")
        RESPONSE_OVERDUE = "response_overdue", _("first contact overdue")
        REPLY_SOON = "reply_soon", _("reply due soon")
        REPLY_DUE = "reply_due", _("reply deadline reached")
        REPLY_OVERDUE = "reply_overdue", _("reply overdue (escalation)")
        EXTENSION_PENDING = "extension_pending", _("extension request waiting for a decision")
        RETURN_PENDING = "return_pending", _("returned ticket waiting for re-dispatch")
        CALLBACK_DUE = "callback_due", _("callback due soon")
        CALLBACK_OVERDUE = "callback_overdue", _("callback overdue")
        # A knowledge-base article past its last valid day, for its owning unit (knowledge.sweeps).
        ARTICLE_EXPIRED = "article_expired", _("knowledge article expired")
        DIGEST = "digest", _("daily digest")
        # The resident's notices, sent when the ticket changes (tickets.resident_notices).
        SUBMITTED = "submitted", _("demand received")
        ACCEPTED = "accepted", _("demand accepted")
        DISPATCHED = "dispatched", _("demand dispatched")
        EXTENDED = "extended", _("reply deadline extended")
        REPLIED = "replied", _("reply ready")
        REOPENED = "reopened", _("demand reopened")
        CALLED_BACK = "called_back", _("callback result")
        ANSWERED = "answered", _("consultation answered")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        ADMIN = "admin", _("admin only")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        HELD = "held", _("held for the daily digest")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # covered by the unique constraints, which start with the ticket
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    article = models.ForeignKey(
        "knowledge.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by the unique constraint, which starts with the article
        help_text=_("For notices about a knowledge-base article rather than a ticket."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # covered by the (recipient, created_at) index
        help_text=_("Empty for the resident, who is reached through the ticket's contact."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    language = models.CharField(_("language"), max_length=10, default=default_language)
    data = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("Facts as they were when the notice was created (never personal data)."),
    )
    batch = models.UUIDField(_("batch"), null=True, blank=True, editable=False)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notification outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "recipient", "deadline"],
                condition=Q(recipient__isnull=False),
                name="notification_once_per_staff",
            ),
            models.UniqueConstraint(
                fields=["ticket", "kind", "channel", "deadline"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_resident",
            ),
            models.UniqueConstraint(
                fields=["recipient", "deadline"],
                condition=Q(kind="digest"),
                name="notification_one_digest_a_day",
            ),
            # One warning per (article, recipient, last valid day).
            models.UniqueConstraint(
                fields=["article", "kind", "recipient", "deadline"],
                condition=Q(article__isnull=False),
                name="notification_once_per_article",
            ),
            models.CheckConstraint(
                condition=Q(kind="digest") | Q(ticket__isnull=False) | Q(article__isnull=False),
                name="notification_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
            models.Index(fields=["status", "created_at"], name="notification_status"),
            # The relay's query: pending rows whose delivery should have happened by now.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending",
            ),
            # Finding the rows one sweep inserted, to enqueue exactly those.
            models.Index(fields=["batch"], name="notification_batch"),
            # The digest sweep's query: held rows not yet in a digest.
            models.Index(
                fields=["recipient"],
                condition=Q(status="held", digest__isnull=True),
                name="notification_held",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.ticket_id or self.article_id or '—'}"

    @property
    def idempotency_key(self) -> str:
        """Stable across every attempt to deliver this row; channels pass it to the gateway."""
        return f"12345-notification-{self.pk}"

    @property
    def for_resident(self) -> bool:
        return self.recipient_id is None


class Reminder(Notification):
    """The signed-in staff member's own notices ("my reminders" in the admin)."""

    class Meta:
        proxy = True
        verbose_name = _("my reminder")
        verbose_name_plural = _("my reminders")
