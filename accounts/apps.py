from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in: failed logins counted and locked out (django-axes), supervisors unlock."""

    name = "accounts"
    verbose_name = _("Staff sign-in")

    def ready(self):
        from . import signals  # noqa: F401  (the staff session's lifetime)
