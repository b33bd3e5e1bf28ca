"""Places (the region tree), handling units, who works where, dispatch catalogue, work calendar."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .names import NamedInTwoLanguages, in_language


class Region(NamedInTwoLanguages, models.Model):
    """行政区划: city → district → street/township → community/village."""

    class Level(models.IntegerChoices):
        CITY = 1, _("city")
        DISTRICT = 2, _("district")
        STREET = 3, _("street or township")
        COMMUNITY = 4, _("community or village")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            )
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        if self.parent_id and self.parent.level != self.level - 1:
            raise ValidationError({"parent": _("The parent must be one level above.")})

    def lineage(self) -> list["Region"]:
        """This region and its ancestors, finest first (at most four rows, one query each)."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def ancestor_at(self, level: int) -> "Region | None":
        return next((r for r in self.lineage() if r.level == level), None)

    @property
    def full_name(self) -> str:
        """E.g. "朝阳区和平街街道胜古南社区"; in English "Chaoyang District, Hepingjie …"."""
        names = [r.display_name for r in reversed(self.lineage()) if r.level > Region.Level.CITY]
        return in_language("".join(names), ", ".join(names))


class Department(NamedInTwoLanguages, models.Model):
    """承办单位: a unit that takes, handles or oversees tickets."""

    class Kind(models.TextChoices):
        HOTLINE_CENTRE = "hotline_centre", _("hotline centre")
        DISTRICT_GOVERNMENT = "district_government", _("district government")
        STREET_OFFICE = "street_office", _("street office or township government")
        MUNICIPAL_DEPARTMENT = "municipal_department", _("municipal department")
        DISTRICT_DEPARTMENT = "district_department", _("district department")
        UTILITY = "utility", _("public-service enterprise")
        PLATFORM_COMPANY = "platform_company", _("platform company")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    kind = models.CharField(_("unit kind"), max_length=32, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Where overdue tickets escalate to, e.g. a street office's district."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("area covered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    daily_digest = models.BooleanField(
        _("daily digest instead of single warnings"),
        default=False,
        help_text=_(
            "Deadline warnings for this unit's staff are collected and sent once a day; "
            "escalations of overdue replies still go out at once."
        ),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self):
        return self.display_name


class Membership(models.Model):
    """A staff user's role in a unit. Hotline roles belong to the hotline centre."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("operator")
        DISPATCHER = "dispatcher", _("dispatcher")
        CALLBACK_OPERATOR = "callback_operator", _("callback operator")
        SUPERVISOR = "supervisor", _("supervisor")
        ANALYST = "analyst", _("analyst")
        HANDLER = "handler", _("handler")
        UNIT_HEAD = "unit_head", _("unit head")

    HOTLINE_ROLES = frozenset(
        {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_OPERATOR, Role.SUPERVISOR}
    )
    UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["department", "role"])]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"

    def clean(self):
        if (
            self.role in self.HOTLINE_ROLES
            and self.department_id
            and self.department.kind != Department.Kind.HOTLINE_CENTRE
        ):
            raise ValidationError({"role": _("This role belongs to the hotline centre.")})


class DispatchRule(models.Model):
    """派单目录: which unit a category goes to, optionally only within a region.

    A rule names either a specific unit or a unit kind; a kind is resolved to the unit of that
    kind that covers the ticket's region (属地管理). See `departments.catalogue`.
    """

    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("only in region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
    )
    unit = models.ForeignKey(
        Department,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
    )
    unit_kind = models.CharField(_("unit kind"), max_length=32, choices=Department.Kind, blank=True)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalogue")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"],
                condition=Q(region__isnull=False),
                name="dispatch_rule_unique_region",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(region__isnull=True),
                name="dispatch_rule_unique_default",
            ),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(unit_kind=""))
                | (Q(unit__isnull=True) & ~Q(unit_kind="")),
                name="dispatch_rule_unit_xor_kind",
            ),
        ]

    def __str__(self):
        target = self.unit or self.get_unit_kind_display()
        where = f" @ {self.region}" if self.region_id else ""
        return f"{self.category}{where} → {target}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday or an adjusted working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no work)")
        WORKDAY = "workday", _("adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("day type"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=60)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_(
            "Statutory days entered before the State Council published the year's schedule."
        ),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("work calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
