from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Boundaries and maps")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers checks and receivers)
