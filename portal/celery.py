"""The Celery application. Tasks live in each app's `tasks.py` and are discovered here."""

import os
from collections.abc import Mapping
from functools import cached_property

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class DjangoCelerySettings(Mapping):
    """Django's `CELERY_*` settings under Celery's own names (`CELERY_BROKER_URL` →
    `broker_url`), read once, when Celery first looks at its configuration.

    Celery consults its configuration a dozen times per published task. Given Django's settings
    object with `namespace="CELERY"`, every look-up of a key we leave at its default ends in a
    failed attribute access on Django's lazy settings; a plain mapping answers at dict speed.
    """

    PREFIX = "CELERY_"

    @cached_property
    def _values(self) -> dict:
        from django.conf import settings

        return {
            name.removeprefix(self.PREFIX).lower(): getattr(settings, name)
            for name in dir(settings)
            if name.startswith(self.PREFIX)
        }

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)


app = Celery("portal")
app.config_from_object(DjangoCelerySettings())
app.autodiscover_tasks()
