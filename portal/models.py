"""Residents (诉求人) known to the hotline, keyed by their contact number (a mainland mobile or
landline in the normal form of `tickets.phones`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    phone = models.CharField(_("contact number"), max_length=16, unique=True)
    name = models.CharField(_("full name"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self):
        from tickets.privacy import mask_name, mask_phone

        return f"{mask_name(self.name)} {mask_phone(self.phone)}"


class ContactReveal(models.Model):
    """A staff member looked at a resident's full contact details (DESIGN.md §7): who, when, which
    ticket, what. Written by the reveal view; never edited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="+"
    )
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True, db_index=True)
    phone = models.BooleanField(_("contact number shown"), default=False)
    name = models.BooleanField(_("name shown"), default=False)

    class Meta:
        verbose_name = _("contact reveal")
        verbose_name_plural = _("contact reveal log")
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"{self.user} · {self.ticket_id} · {self.revealed_at:%Y-%m-%d %H:%M}"
