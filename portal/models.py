"""Residents (诉求人) known to the hotline, keyed by their mainland mobile number."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    phone = models.CharField(_("mobile number"), max_length=11, unique=True)
    name = models.CharField(_("full name"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self):
        from tickets.privacy import mask_name, mask_phone

        return f"{mask_name(self.name)} {mask_phone(self.phone)}"
