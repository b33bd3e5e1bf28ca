"""The knowledge base (知识库, DESIGN.md §7a): articles, every version of each, and their uses.

Invariants:
- `knowledge.services` is the only writer: each change of an article saves it and appends one
  `ArticleVersion` (a full copy of what the article said then, who changed it, when and why), in
  one transaction; versions are never changed or deleted, nor are articles (they are withdrawn);
- `search_head` and `search_body` hold the segmented words of the title and keywords, and of
  the body (`knowledge.text.index_fields`); on PostgreSQL a generated column `search_vector`
  and its GIN index are built from them (migration 0002, see `knowledge.search`);
- an article is "in effect" on a day from `effective_from` to `valid_until` inclusive (Beijing
  dates); past `valid_until` it is expired: it answers nothing until edited, and the owning unit
  is warned (`knowledge.sweeps`);
- `usage_count` counts the `ArticleUse` rows: one per consultation answered with the article.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..workflow import Action, Status


class Audience(models.TextChoices):
    PUBLIC = "public", _("public (residents' site)")
    INTERNAL = "internal", _("internal (staff only)")


class Article(models.Model):
    Status = Status
    Audience = Audience

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("answer"),
        help_text=_(
            "Markdown: blank lines between paragraphs, “- ” for lists, “**bold**”, "
            "[text](https://…) for links. HTML is shown as typed, not interpreted."
        ),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_(
            "Words callers use for this question, separated by spaces or commas, e.g. "
            "“非京籍 借读 暖气不热”. They weigh like the title in search."
        ),
    )
    categories = models.ManyToManyField(
        "tickets.Category",
        verbose_name=_("categories"),
        related_name="articles",
        blank=True,
        help_text=_("The demands this article answers (any level)."),
    )
    regions = models.ManyToManyField(
        "departments.Region",
        verbose_name=_("places"),
        related_name="articles",
        blank=True,
        help_text=_("Leave empty when it holds for the whole city."),
    )
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience, default=Audience.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, editable=False
    )
    effective_from = models.DateField(_("in effect from"), default=timezone.localdate)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("The last day it holds; empty when it does not expire."),
    )
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    usage_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    search_head = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("first published at"), null=True, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "audience"], name="article_status_audience"),
            models.Index(fields=["owner", "status"], name="article_owner_status"),
            # The expiry sweep's query: published articles by their last valid day.
            models.Index(
                fields=["valid_until"],
                condition=Q(status="published"),
                name="article_published_until",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("effective_from")),
                name="article_valid_after_effective",
            )
        ]

    def __str__(self):
        return self.title

    def in_effect(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.effective_from <= day and (self.valid_until is None or day <= self.valid_until)

    def expired(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.valid_until is not None and self.valid_until < day

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    def get_public_url(self) -> str | None:
        """The article's page on the residents' site (None for an internal article)."""
        if not self.is_public:
            return None
        return reverse("faq_detail", args=[self.pk])

    def keyword_list(self) -> list[str]:
        return [w for w in self.keywords.replace(",", " ").replace("，", " ").split() if w]


class ArticleVersion(models.Model):
    """What an article said after one change, and who made the change, when and why."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.PROTECT,
        related_name="versions",
        db_index=False,  # covered by the unique (article, number)
    )
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("change"), max_length=10, choices=Action)
    status = models.CharField(_("status"), max_length=12, choices=Status)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    categories = models.JSONField(_("categories"), default=list, help_text="[[code, name], …]")
    regions = models.JSONField(_("places"), default=list, help_text="[[code, name], …]")
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience)
    effective_from = models.DateField(_("in effect from"))
    valid_until = models.DateField(_("valid until"), null=True)
    changed_fields = models.JSONField(_("fields changed"), default=list)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_by_name = models.CharField(_("changed by (name)"), max_length=80, blank=True)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number")
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"


class ArticleUse(models.Model):
    """A consultation answered with the article (`tickets.services.ticket_answer_directly`)."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.PROTECT,
        related_name="uses",
        db_index=False,  # covered by the (article, used_at) index
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")
        indexes = [
            models.Index(fields=["article", "used_at"], name="article_use_time"),
            models.Index(fields=["used_at"], name="article_use_day"),
        ]

    def __str__(self):
        return f"{self.article_id} · {self.ticket_id}"
