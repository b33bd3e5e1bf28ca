"""Photos a resident or a handler attached to a ticket (stored without EXIF metadata)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_path(instance, filename):
    # Group by local date of upload; the random stem is set by tickets.media.
    return f"attachments/{instance.created_at:%Y/%m}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), null=True)
    height = models.PositiveIntegerField(_("height"), null=True)
    public = models.BooleanField(_("shown to the resident"), default=True)
    # Distinct from `public`: open data shows a photo only when the hotline marked it
    # (`services.ticket_set_publication`), never by default.
    published = models.BooleanField(
        _("published as open data"), default=False, db_default=False, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["ticket", "created_at"]

    def __str__(self):
        return self.original_name or self.file.name
