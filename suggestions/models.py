"""The trained classifiers (one row per version) and what the suggestions showed beside what the
operator chose."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClassifierModel(models.Model):
    """One trained version of the category classifier, stored whole in the database so every
    process on every host loads the same one (`suggestions.registry`). The version is the
    primary key: a newer model has a larger one."""

    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "The newest active version serves the suggestions. Untick a version to go back to "
            "the one before it (every process switches within a minute)."
        ),
    )
    history_samples = models.PositiveIntegerField(
        _("tickets learned from"),
        default=0,
        help_text=_("Closed tickets of the hotline's history, filed under their final category."),
    )
    seed_samples = models.PositiveIntegerField(
        _("texts from the categories"),
        default=0,
        help_text=_("Category names, paths and keywords (what a new deployment starts from)."),
    )
    knowledge_samples = models.PositiveIntegerField(_("texts from the knowledge base"), default=0)
    categories = models.PositiveSmallIntegerField(_("categories it can suggest"), default=0)
    heldout_samples = models.PositiveIntegerField(
        _("held-out tickets"),
        default=0,
        help_text=_("Tickets kept out of training to measure the accuracy below."),
    )
    top1 = models.FloatField(
        _("top-1 accuracy"),
        null=True,
        blank=True,
        help_text=_("Share of held-out tickets whose category was the first suggestion."),
    )
    top3 = models.FloatField(
        _("top-3 accuracy"),
        null=True,
        blank=True,
        help_text=_("Share of held-out tickets whose category was among the three suggestions."),
    )
    features = models.PositiveIntegerField(_("features"), default=0)
    training_seconds = models.FloatField(_("training time (s)"), default=0)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    data = models.BinaryField(
        _("model"), editable=False, help_text=_("suggestions.classifier.Classifier.dumps()")
    )

    class Meta:
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")
        ordering = ["-pk"]

    def __str__(self):
        return _("classifier v%(version)s") % {"version": self.pk}

    @property
    def version(self) -> int:
        return self.pk

    @property
    def cold_start(self) -> bool:
        return self.history_samples == 0


class SuggestionRecord(models.Model):
    """What the suggestions showed when a ticket was classified, and the category chosen.

    Written by `tickets.services` (phone intake, acceptance) when the caller passes the token
    the suggestions endpoint returned with what it showed; read by the analytics page on the
    suggestions' accuracy in production."""

    class Action(models.TextChoices):
        PHONE_INTAKE = "phone_intake", _("phone intake")
        ACCEPT = "accept", _("acceptance")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    action = models.CharField(_("when"), max_length=16, choices=Action)
    model_version = models.PositiveIntegerField(_("classifier version"), null=True, blank=True)
    suggested = models.JSONField(
        _("suggested"), default=list, help_text=_('[{"code": …, "score": …}, …], best first')
    )
    chosen = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category chosen"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(
        _("rank of the chosen category"),
        null=True,
        blank=True,
        help_text=_("1 when the first suggestion was chosen; empty when none of them was."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion record")
        verbose_name_plural = _("suggestion records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="suggestion_record_created")]

    def __str__(self):
        return f"{self.ticket_id}: {self.chosen_id} ({self.rank or '—'})"
