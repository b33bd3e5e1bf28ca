"""What a demand is about (the category tree) and how fast it must be handled (urgency classes)."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.names import NamedInTwoLanguages


class UrgencyClass(models.Model):
    """A class of time limits (DB11/T 2021—2022 defaults), editable by the hotline centre."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    accept_limit = models.DurationField(
        _("accept within"),
        default=timedelta(hours=2),
        help_text=_("From submission (web, API, Open311) to acceptance."),
    )
    dispatch_limit = models.DurationField(_("dispatch within"), default=timedelta(hours=24))
    response_limit = models.DurationField(
        _("contact the resident within"),
        default=timedelta(hours=24),
        help_text=_("From dispatch to the handling unit's first contact (响应)."),
    )
    reply_limit = models.DurationField(
        _("reply within"), default=timedelta(days=7), help_text=_("From dispatch to the reply.")
    )
    callback_limit = models.DurationField(
        _("call back within"),
        default=timedelta(days=3),
        help_text=_("From the reply, or from the reply deadline if that comes first."),
    )
    return_window = models.DurationField(
        _("return allowed within"),
        default=timedelta(hours=24),
        help_text=_("A unit may return a wrongly dispatched ticket within this time."),
    )
    working_days = models.BooleanField(
        _("count working days"),
        default=False,
        help_text=_("Count limits over working days of the work calendar instead of natural time."),
    )
    warn_share = models.DecimalField(
        _("warn at share of limit"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("0.99"))],
    )
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("urgency class")
        verbose_name_plural = _("urgency classes")
        ordering = ["rank", "code"]

    def __str__(self):
        return self.name


class Category(NamedInTwoLanguages, models.Model):
    """A node of the three-level taxonomy; tickets are filed under leaves (level 3)."""

    LEAF_LEVEL = 3

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    urgency = models.ForeignKey(
        UrgencyClass,
        verbose_name=_("default urgency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words and short phrases callers use for this category, separated by spaces or "
            "commas (e.g. 暖气不热 暖气片凉 上热下凉). The suggestions learn from them, with "
            "the name and path, before the hotline's own history teaches more: retrain "
            "(manage.py train_classifier) after editing."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["level", "rank", "code"]
        indexes = [models.Index(fields=["parent", "rank"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="category_parent_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(level__lt=3) | Q(urgency__isnull=False),
                name="category_leaf_has_urgency",
            ),
        ]

    def __str__(self):
        return self.path

    def path_nodes(self) -> list["Category"]:
        """The root first, down to this node (use select_related("parent__parent"))."""
        nodes, node = [], self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    @property
    def path(self) -> str:
        """E.g. "住房 › 物业管理 › 楼牌号缺失", in the active language."""
        return " › ".join(node.display_name for node in self.path_nodes())

    @property
    def is_leaf(self) -> bool:
        return self.level == self.LEAF_LEVEL

    def clean(self):
        if self.parent_id and self.parent.level != self.level - 1:
            raise ValidationError({"parent": _("The parent must be one level above.")})
        if self.is_leaf and not self.urgency_id:
            raise ValidationError({"urgency": _("A leaf category needs an urgency class.")})


class CategoryAttribute(models.Model):
    """An extra question a category asks (Open311 service definition attributes).

    Answers are kept on the ticket (`Ticket.attributes`, keyed by `code`).
    """

    class DataType(models.TextChoices):
        STRING = "string", _("short text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("long text")
        SINGLE_VALUE_LIST = "singlevaluelist", _("one choice from a list")
        MULTI_VALUE_LIST = "multivaluelist", _("several choices from a list")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=60)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Off for an informational note shown with the form."),
    )
    datatype = models.CharField(_("type"), max_length=16, choices=DataType)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=200)
    datatype_description = models.CharField(_("format hint"), max_length=200, blank=True)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For list types: [{"key": "…", "name": "…"}, …]'),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="category_attribute_code")
        ]

    def __str__(self):
        return f"{self.category.display_name}: {self.description}"

    def clean(self):
        lists = (self.DataType.SINGLE_VALUE_LIST, self.DataType.MULTI_VALUE_LIST)
        if self.datatype in lists and not self.values:
            raise ValidationError({"values": _("A list question needs its choices.")})
