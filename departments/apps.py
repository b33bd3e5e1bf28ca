from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Units and places")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
