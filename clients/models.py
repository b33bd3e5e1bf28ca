"""Registered API clients, staff tokens, and which client submitted which ticket.

Keys are never stored: only their SHA-256 digest and a short prefix (see `clients.keys`).
An API client acts through its own service user (no password, never staff), so tickets it
submits record it as `submitted_by` and the trajectory names it; giving that user a membership
in a unit lets the client see and act on the unit's tickets through the same selector and
permission checks as staff (see README, "API clients").
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.workflow import Action

# What a client may be allowed to do: submit, plus every workflow action taken on a ticket.
CLIENT_ACTIONS = [(a.value, a.label) for a in Action if a != Action.PHONE_INTAKE]

rate_validator = RegexValidator(
    r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$",
    _("Write a number of requests per period, e.g. 120/min, 10/s, 5000/day."),
)


def default_actions() -> list[str]:
    return [Action.SUBMIT.value]


class ApiClient(models.Model):
    """An application (an app, a mini-program, a district platform) with its own key."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        help_text=_(
            "The client acts as this user. Give it a membership in a unit to let the client "
            "see and act on that unit's tickets; by default it sees only the tickets it submitted."
        ),
    )
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    allowed_actions = models.JSONField(
        _("allowed actions"),
        default=default_actions,
        blank=True,
        help_text=_("What the client may do; its service user's roles must allow it too."),
    )
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        default="120/min",
        validators=[rate_validator],
        help_text=_("Requests per period, e.g. 120/min; more are refused with HTTP 429."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Told when one of the client's webhooks is disabled after failing too long."),
    )
    is_active = models.BooleanField(_("active"), default=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def may(self, action: str) -> bool:
        return self.is_active and action in (self.allowed_actions or [])


class StaffToken(models.Model):
    """A staff user's personal API token (for scripts and the hotline's own apps)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("label"), max_length=100)
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("staff token")
        verbose_name_plural = _("staff tokens")
        ordering = ["user", "-created_at"]

    def __str__(self):
        return f"{self.user} · {self.name} ({self.key_prefix}…)"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class Submission(models.Model):
    """Which client sent a ticket, and what the client said about it beyond the ticket's fields.

    Written in the same transaction as the ticket (`tickets.services.ticket_submit`'s
    `after_create`). The (client, ticket) index makes "tickets this client submitted" cheap.
    """

    class Channel(models.TextChoices):
        API = "api", _("REST API")
        OPEN311 = "open311", _("Open311")

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="client_submission",
    )
    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API client"),
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,  # covered by the (client, ticket) index
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    external_id = models.CharField(
        _("client's reference"),
        max_length=100,
        blank=True,
        help_text=_("The client's own id for this demand; unique per client."),
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("client submission")
        verbose_name_plural = _("client submissions")
        indexes = [models.Index(fields=["client", "ticket"], name="submission_client_ticket")]
        constraints = [
            # Also the index behind `?external_id=`.
            models.UniqueConstraint(
                fields=["client", "external_id"],
                condition=~models.Q(external_id=""),
                name="submission_external_id_once_per_client",
            )
        ]

    def __str__(self):
        return f"{self.client} → {self.ticket_id}"


class IdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key`, and the answer it got (`clients.idempotency`).

    Written in the transaction of the change the request made, with the response, so a request
    and its answer are stored together or not at all; the unique (caller, key) decides between
    two requests that carry one key. Kept `PORTAL_IDEMPOTENCY_HOURS` (24), then swept.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by the unique (user, key)
        help_text=_("An API client's service user or a staff user with a token."),
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=64,
        help_text=_("SHA-256 of the method, path and parsed body (files by their content)."),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    status_code = models.PositiveSmallIntegerField(_("response status"))
    # As JSON text, not a JSON column: PostgreSQL's jsonb would reorder the keys, and the
    # replayed body (JSON or Open311's XML) must come out as the first one did.
    response = models.TextField(_("response body"))
    location = models.CharField(_("response Location"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_caller")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.user_id} · {self.key}"
