"""Who handles a ticket (assignments), extension requests and callbacks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A unit's part in one dispatch of a ticket: lead (主办), co-handling (协办) or informed.

    A return closes the lead assignment (`returned_at`, `active=False`) and is its own record:
    the once-per-unit rule counts these rows.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-handling unit")
        INFORMED = "informed", _("informed")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("on-site visit")
        SMS = "sms", _("SMS")
        OTHER = "other", _("other")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        "departments.Department",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,  # covered by the (unit, active, ticket) index
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    active = models.BooleanField(_("active"), default=True)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    dispatch_due_at = models.DateTimeField(
        _("dispatch was due by"),
        null=True,
        blank=True,
        help_text=_("The hotline's deadline for this dispatch (to measure it kept)."),
    )
    response_due_at = models.DateTimeField(_("contact by"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply by"), null=True, blank=True)
    return_due_at = models.DateTimeField(_("return allowed until"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted resident at"), null=True, blank=True)
    contact_method = models.CharField(
        _("contact method"), max_length=10, choices=ContactMethod, blank=True
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["ticket", "dispatched_at", "role"]
        indexes = [models.Index(fields=["unit", "active", "ticket"], name="assignment_unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(role="lead", active=True),
                name="assignment_one_active_lead",
            )
        ]

    def __str__(self):
        return f"{self.ticket} → {self.unit} ({self.get_role_display()})"


class Extension(models.Model):
    """A lead unit's request for more time to reply (延期), and the dispatcher's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    reason = models.TextField(_("reason"))
    requested_reply_due_at = models.DateTimeField(_("requested reply deadline"))
    previous_reply_due_at = models.DateTimeField(_("previous reply deadline"), null=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(decision="pending"),
                name="extension_pending",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(decision="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.ticket} · {self.get_decision_display()}"


class Callback(models.Model):
    """回访: the resident's verdict on a reply. Invalid when the resident could not be reached."""

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY_SATISFIED = "basically", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    class Source(models.TextChoices):
        OPERATOR = "operator", _("callback operator")
        RESIDENT = "resident", _("resident on the tracking page")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    unit = models.ForeignKey(
        "departments.Department",
        verbose_name=_("unit evaluated"),
        null=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
        db_index=False,  # covered by the (unit, recorded_at) index
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    valid = models.BooleanField(
        _("valid"), default=True, help_text=_("False when the resident could not be reached.")
    )
    contacted = models.BooleanField(_("contacted by the unit"), null=True)
    solved = models.BooleanField(_("solved"), null=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["unit", "recorded_at"], name="callback_unit_month"),
            # The home page's rates of the month from the index alone (issue 18).
            models.Index(
                fields=["recorded_at"],
                include=["valid", "contacted", "solved", "satisfaction"],
                name="callback_recorded",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid=False)
                | (Q(contacted__isnull=False) & Q(solved__isnull=False) & ~Q(satisfaction="")),
                name="callback_valid_is_complete",
            )
        ]

    def __str__(self):
        return f"{self.ticket} · {self.get_satisfaction_display() or '—'}"
