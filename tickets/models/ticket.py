"""The ticket (工单): one resident demand, from intake to callback."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import sla
from ..workflow import Status


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    WEB = "web", _("web form")
    API = "api", _("REST API")
    OPEN311 = "open311", _("Open311")
    APP = "app", _("mobile app")


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("consultation")
    HELP = "help", _("request for help")
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")
    SUGGESTION = "suggestion", _("suggestion")
    PRAISE = "praise", _("praise")


class Outcome(models.TextChoices):
    """How a closed ticket ended."""

    HANDLED = "handled", _("handled and called back")
    ANSWERED = "answered", _("answered directly")
    DUPLICATE = "duplicate", _("duplicate")
    INVALID = "invalid", _("invalid")
    REFERRED = "referred", _("referred elsewhere")


class DescriptionPublication(models.TextChoices):
    """What open data shows of the resident's description (`tickets.publication`)."""

    DEFAULT = "default", _("by the default rule")
    SCRUBBED = "scrubbed", _("the description, de-identified")
    SUMMARY = "summary", _("a public summary written by the hotline")
    WITHHELD = "withheld", _("nothing")


class TicketNumberCounter(models.Model):
    """The last ticket number used on a local (Asia/Shanghai) day; see `tickets.numbering`."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number counter")
        verbose_name_plural = _("ticket number counters")

    def __str__(self):
        return f"{self.day}: {self.last}"


class Ticket(models.Model):
    # Identity and intake
    number = models.CharField(_("ticket number"), max_length=16, unique=True, editable=False)
    access_code = models.CharField(_("access code"), max_length=12, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    kind = models.CharField(_("kind of demand"), max_length=16, choices=Kind)
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # covered by the (category, submitted_at) index
    )
    urgency = models.ForeignKey(
        "tickets.UrgencyClass",
        verbose_name=_("urgency"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    description = models.TextField(
        _("problem description"),
        validators=[MaxLengthValidator(settings.PORTAL_TICKET_DESCRIPTION_MAX)],
    )
    # Place: the finest region known, and its district/street/community for grouping.
    region = models.ForeignKey(
        "departments.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    district = models.ForeignKey(
        "departments.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    street = models.ForeignKey(
        "departments.Region",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    community = models.ForeignKey(
        "departments.Region",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # The resident
    citizen = models.ForeignKey(
        "portal.Citizen",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # covered by the (citizen, submitted_at) index
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    # a mobile (13812345678) or a landline (010-65123456): the normal form of tickets.phones
    contact_phone = models.CharField(_("contact number"), max_length=16, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("No contact details; no callback possible.")
    )
    confidential = models.BooleanField(_("keep name from the handling unit"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Where it stands
    status = models.CharField(_("status"), max_length=16, choices=Status, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome, blank=True, editable=False
    )
    round = models.PositiveSmallIntegerField(
        _("round"), default=1, editable=False, help_text=_("Incremented each time it is reopened.")
    )
    lead_unit = models.ForeignKey(
        "departments.Department",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by the (lead_unit, status) index
        editable=False,
    )
    suggested_unit = models.ForeignKey(
        "departments.Department",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # Read with its ticket, never searched by: deleting a unit (rare) may scan the table.
        db_index=False,
        editable=False,
        help_text=_(
            "The unit the dispatch catalogue names for the category and place, as classified "
            "at intake or acceptance, passing over any unit that returned the ticket."
        ),
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True, editable=False)
    reply_text = models.TextField(_("reply text"), blank=True, editable=False)
    supervised = models.BooleanField(_("supervised"), default=False, editable=False)
    reopen_requested_at = models.DateTimeField(
        _("reopening requested at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The resident says it is not solved; cleared when the ticket is reopened."),
    )
    attributes = models.JSONField(
        _("answers to the category's questions"), default=dict, blank=True, editable=False
    )
    # Open data (DESIGN.md §7): set only by `services.ticket_set_publication`.
    description_publication = models.CharField(
        _("description in open data"),
        max_length=10,
        choices=DescriptionPublication,
        default=DescriptionPublication.DEFAULT,
        db_default=DescriptionPublication.DEFAULT,  # bulk loads (the demo's COPY) omit it
        editable=False,
    )
    public_summary = models.TextField(
        _("public summary"),
        blank=True,
        default="",
        db_default="",
        editable=False,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Shown in open data instead of the description, de-identified as well."),
    )
    publication_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publication decided by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    publication_decided_at = models.DateTimeField(
        _("publication decided at"), null=True, blank=True, editable=False
    )
    # Deadlines (set when their clock starts) and the one running now, for sorting and sweeps.
    due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True, editable=False)
    dispatch_due_at = models.DateTimeField(_("dispatch by"), null=True, blank=True, editable=False)
    response_due_at = models.DateTimeField(_("contact by"), null=True, blank=True, editable=False)
    reply_due_at = models.DateTimeField(_("reply by"), null=True, blank=True, editable=False)
    callback_due_at = models.DateTimeField(_("call back by"), null=True, blank=True, editable=False)
    # Milestones
    submitted_at = models.DateTimeField(_("submitted at"), editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True, editable=False)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(
                fields=["status", "due_at"],
                condition=~Q(status=Status.CLOSED),
                name="ticket_open_due",
            ),
            # A unit's list (its tickets among the open ones, by deadline) from the index alone:
            # the ids of the open tickets in deadline order, matched to the unit's assignments.
            models.Index(
                fields=["due_at", "id"],
                condition=~Q(status=Status.CLOSED),
                name="ticket_open_by_due",
            ),
            models.Index(fields=["lead_unit", "status"], name="ticket_lead_status"),
            # The list sorted by deadline over every status (issue 18).
            models.Index(fields=["due_at"], name="ticket_due"),
            # The open list filtered by one column, newest first: small (open tickets only) and
            # read from the filter's value, instead of visiting every open ticket (issue 18).
            *(
                models.Index(
                    fields=[column, "submitted_at"],
                    condition=~Q(status=Status.CLOSED),
                    name=f"ticket_open_{column}",
                )
                for column in ("urgency", "channel", "category", "district", "street")
            ),
            # Open tickets of a few categories near a place, newest first (the desk's similar
            # tickets): the place's open tickets of those categories only, not all of the
            # place's open tickets filtered one by one (168 ms for a busy street at 10 M).
            *(
                models.Index(
                    fields=[column, "category", "submitted_at"],
                    condition=~Q(status=Status.CLOSED),
                    name=f"ticket_open_{column}_category",
                )
                for column in ("district", "street")
            ),
            models.Index(
                fields=["submitted_at"],
                condition=~Q(status=Status.CLOSED) & Q(supervised=True),
                name="ticket_open_supervised",
            ),
            models.Index(fields=["submitted_at"], name="ticket_submitted"),
            models.Index(fields=["updated_at"], name="ticket_updated"),
            models.Index(fields=["category", "submitted_at"], name="ticket_category_month"),
            models.Index(
                fields=["district", "category", "submitted_at"], name="ticket_district_month"
            ),
            models.Index(fields=["street", "category", "submitted_at"], name="ticket_street_month"),
            models.Index(
                fields=["community", "category", "submitted_at"], name="ticket_community_month"
            ),
            models.Index(fields=["citizen", "submitted_at"], name="ticket_citizen"),
            models.Index(
                fields=["reopen_requested_at"],
                condition=Q(reopen_requested_at__isnull=False),
                name="ticket_reopen_requested",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(contact_phone="") & Q(citizen__isnull=True)),
                name="ticket_anonymous_has_no_contact",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED) | Q(outcome=""),
                name="ticket_outcome_only_when_closed",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def running_deadline(self):
        """The deadline whose clock is running in the current status (None when closed)."""
        return sla.running_deadline(
            self.status,
            accept=self.accept_due_at,
            dispatch=self.dispatch_due_at,
            response=self.response_due_at,
            reply=self.reply_due_at,
            callback=self.callback_due_at,
        )
