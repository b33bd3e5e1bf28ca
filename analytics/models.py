"""Evaluation schemes, reviews that exclude callbacks, and the summary tables pages read.

Summary tables hold counts, never rates: a rate is computed when read, with the evaluation
scheme of its period, so changing a scheme needs no rebuild. Days and months are Beijing dates.
Each summary row is derived from tickets alone; `analytics.refresh` rebuilds any period exactly.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import Department

SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def default_bands():
    return [["A", 0.9], ["B", 0.8], ["C", 0.7], ["D", 0]]


class EvaluationScheme(models.Model):
    """How the three rates are weighed for a unit kind from a month on (DESIGN.md §6).

    The scheme in force for (kind, month) is the latest `valid_from` ≤ month for that kind, else
    the latest for all kinds (blank kind). The official weights are not published: these are
    the defaults, to be set by the hotline centre.
    """

    name = models.CharField(_("name"), max_length=80)
    unit_kind = models.CharField(
        _("unit kind"),
        max_length=32,
        choices=Department.Kind,
        blank=True,
        help_text=_("Empty: every kind without a scheme of its own."),
    )
    valid_from = models.DateField(_("valid from (month)"))
    weight_response = models.DecimalField(
        _("weight of the response rate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.1"),
        validators=SHARE,
    )
    weight_resolution = models.DecimalField(
        _("weight of the resolution rate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=SHARE,
    )
    weight_satisfaction = models.DecimalField(
        _("weight of the satisfaction rate"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.4"),
        validators=SHARE,
    )
    basically_factor = models.DecimalField(
        _("factor for “basically satisfied”"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.9"),
        validators=SHARE,
    )
    exclude_repeat = models.BooleanField(
        _("exclude callbacks reviewed as repeat demands"), default=True
    )
    exclude_unreasonable = models.BooleanField(
        _("exclude callbacks reviewed as unreasonable demands"), default=True
    )
    bands = models.JSONField(
        _("grade bands"),
        default=default_bands,
        help_text=_('Lowest composite score of each grade, best first: [["A", 0.9], …, ["D", 0]]'),
    )

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["unit_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit_kind", "valid_from"], name="scheme_per_month")
        ]

    def __str__(self):
        kind = self.get_unit_kind_display() or _("all kinds")
        return f"{self.name} ({kind}, {self.valid_from:%Y-%m})"

    def clean(self):
        total = self.weight_response + self.weight_resolution + self.weight_satisfaction
        if total != 1:
            raise ValidationError(
                _("The three weights must add up to 1 (they add up to %(t)s).") % {"t": total}
            )
        if self.valid_from and self.valid_from.day != 1:
            raise ValidationError({"valid_from": _("A scheme starts on the first day of a month.")})
        try:
            thresholds = [float(t) for _g, t in self.bands]
        except (TypeError, ValueError):
            raise ValidationError({"bands": _("Give pairs of grade and lowest score.")}) from None
        if thresholds != sorted(thresholds, reverse=True):
            raise ValidationError({"bands": _("List the grades from the best to the worst.")})


class CallbackReview(models.Model):
    """A reviewer's finding that a callback should not count against the unit."""

    class Reason(models.TextChoices):
        REPEAT = "repeat", _("repeat demand")
        UNREASONABLE = "unreasonable", _("unreasonable demand")

    callback = models.OneToOneField(
        "tickets.Callback",
        verbose_name=_("callback"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback review")
        verbose_name_plural = _("callback reviews")

    def __str__(self):
        return f"{self.callback_id} · {self.get_reason_display()}"


class UnitMonth(models.Model):
    """One unit's month: callbacks (by the month they were recorded) and deadlines kept (by the
    month the unit's lead assignment was dispatched)."""

    unit = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    unit_kind = models.CharField(max_length=32, choices=Department.Kind)
    # Valid callbacks and their answers; `repeat_*` and `unreasonable_*` count the same among
    # callbacks a reviewer excluded for that reason (one reason per callback), so a scheme's
    # figure "without exclusions" is a subtraction.
    valid = models.PositiveIntegerField(default=0)
    contacted = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)
    repeat_valid = models.PositiveIntegerField(default=0)
    repeat_contacted = models.PositiveIntegerField(default=0)
    repeat_solved = models.PositiveIntegerField(default=0)
    repeat_satisfied = models.PositiveIntegerField(default=0)
    repeat_basically = models.PositiveIntegerField(default=0)
    unreasonable_valid = models.PositiveIntegerField(default=0)
    unreasonable_contacted = models.PositiveIntegerField(default=0)
    unreasonable_solved = models.PositiveIntegerField(default=0)
    unreasonable_satisfied = models.PositiveIntegerField(default=0)
    unreasonable_basically = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    # Lead assignments dispatched this month and the deadlines they kept.
    dispatched = models.PositiveIntegerField(default=0)
    dispatched_on_time = models.PositiveIntegerField(default=0)
    contacted_on_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    replied_on_time = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unit_month")]
        indexes = [models.Index(fields=["month", "unit_kind"], name="unit_month_kind")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m}"


class DailyIntake(models.Model):
    """Tickets submitted per Beijing day, channel and kind."""

    day = models.DateField()
    channel = models.CharField(max_length=10)
    kind = models.CharField(max_length=16)
    tickets = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "kind"], name="daily_intake")
        ]

    def __str__(self):
        return f"{self.day} {self.channel} {self.kind}: {self.tickets}"


class PlaceCategoryDay(models.Model):
    """Tickets per Beijing day, finest known place and leaf category (for hotspots and the
    monthly intake by place and category)."""

    day = models.DateField()
    month = models.DateField()
    region = models.ForeignKey("departments.Region", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "departments.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    street = models.ForeignKey(
        "departments.Region", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "tickets.Category", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tickets = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "region", "category"], name="place_category_day")
        ]
        indexes = [
            models.Index(fields=["month", "district", "category"], name="pcd_month_district"),
            models.Index(fields=["month", "street"], name="pcd_month_street"),
        ]

    def __str__(self):
        return f"{self.day} {self.region_id} {self.category_id}: {self.tickets}"


class CategoryMonth(models.Model):
    """A leaf category's month: volume, where, how fast and how well it was handled."""

    category = models.ForeignKey("tickets.Category", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    tickets = models.PositiveIntegerField(default=0)
    places = models.PositiveIntegerField(default=0)  # distinct communities (or finest places)
    replied = models.PositiveIntegerField(default=0)
    replied_late = models.PositiveIntegerField(default=0)
    reply_hours = models.FloatField(default=0)  # sum, for the average
    valid = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "month"], name="category_month")]
        indexes = [models.Index(fields=["month"], name="category_month_month")]

    def __str__(self):
        return f"{self.category_id} {self.month:%Y-%m}: {self.tickets}"


class RepeatDemand(models.Model):
    """A ticket that repeats an earlier one: the same resident, or the same address and category,
    within 30 days."""

    class Basis(models.TextChoices):
        RESIDENT = "resident", _("same resident")
        ADDRESS = "address", _("same address and category")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    earlier = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    basis = models.CharField(max_length=10, choices=Basis)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "basis"], name="repeat_demand_basis")
        ]
        indexes = [models.Index(fields=["day"], name="repeat_demand_day")]

    def __str__(self):
        return f"{self.ticket_id} ← {self.earlier_id} ({self.basis})"


class DirtyPeriod(models.Model):
    """A day whose summaries must be recomputed for a change that does not touch a ticket (a
    callback review); drained by the refresh task. Months follow from their days."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.day)


class RefreshState(models.Model):
    """Until when the summaries have taken ticket changes into account."""

    SUMMARIES = "summaries"
    # When any period's summaries were last replaced: the public pages' cache key.
    PUBLISHED = "published"

    name = models.CharField(max_length=20, primary_key=True)
    refreshed_until = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.name}: {self.refreshed_until}"
