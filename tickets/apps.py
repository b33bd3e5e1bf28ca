from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Registers the system checks; connects the resident's notices to ticket_changed.
        from . import checks, resident_notices  # noqa: F401
