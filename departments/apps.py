from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Units and places")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401  (registers checks and receivers)

        # Sent once per app after `migrate` (and `flush`); the sync is idempotent, and the
        # last call runs after every app's permissions exist.
        post_migrate.connect(signals.sync_after_migrate, dispatch_uid="sync_role_groups")
