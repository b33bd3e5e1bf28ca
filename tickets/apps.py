from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Registers the system checks and the reference cache's clearing.
        from . import checks, lookups  # noqa: F401
