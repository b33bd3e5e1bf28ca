"""django-axes's failed-login records, under a name staff understand (a proxy: no table)."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _


class FailedLogin(AccessAttempt):
    """One row per account, address and browser that failed to sign in within the lockout
    window, with its count of failures (django-axes keeps them; `accounts.guard` decides the
    lockout). Deleting rows is unlocking: the admin's unlock actions do it."""

    class Meta:
        proxy = True
        verbose_name = _("failed staff sign-in")
        verbose_name_plural = _("failed staff sign-ins")
        ordering = ["-attempt_time"]

    def __str__(self):
        return f"{self.username or '—'} @ {self.ip_address or '—'}"
