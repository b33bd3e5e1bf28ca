"""System checks of the portal app.

Deployment: with DEBUG off, static files are served by whitenoise from `STATIC_ROOT` under the
hashed names of the manifest `collectstatic` writes. Without it every page that links a stylesheet
would answer 500 ("Missing staticfiles manifest entry"), so the web process refuses to start
instead, naming the command that fixes it (`portal.wsgi` calls `require_collected_static`), and
`manage.py check --deploy` reports it (portal.E001).

Residents' site: requests about personal information need a category to be filed under
(portal.W001).
"""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.db import DatabaseError

NOT_COLLECTED = (
    "Static files are not collected in STATIC_ROOT ({root}): with DEBUG off every page would "
    "fail. Run `python manage.py collectstatic --no-input` on release (scripts/release does), "
    "or set DJANGO_STATIC_ROOT to where they were collected."
)


def static_collected() -> bool:
    """True unless the storage serves hashed names and has no manifest to look them up in."""
    storage = storages["staticfiles"]
    return not isinstance(storage, ManifestFilesMixin) or bool(storage.load_manifest()[0])


def require_collected_static() -> None:
    if not static_collected():
        raise ImproperlyConfigured(NOT_COLLECTED.format(root=settings.STATIC_ROOT))


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_collected(app_configs=None, **kwargs):
    """portal.E001 (deploy): the manifest of collected static files exists."""
    if static_collected():
        return []
    return [
        checks.Error(
            NOT_COLLECTED.format(root=settings.STATIC_ROOT),
            id="portal.E001",
            hint="python manage.py collectstatic --no-input",
        )
    ]


@checks.register(checks.Tags.database)
def check_privacy_request_category(app_configs=None, **kwargs):
    """portal.W001: requests about personal information have a category to be filed under."""
    from django.conf import settings

    from .forms.privacy import request_category

    try:
        if request_category() is not None:
            return []
    except DatabaseError:
        return []
    code = settings.PORTAL_PRIVACY["request_category"]
    return [
        checks.Warning(
            f"no active leaf category {code!r} for requests about personal information",
            id="portal.W001",
            hint="Create it (Tickets › Categories) or set PORTAL_PRIVACY_REQUEST_CATEGORY: "
            "until then /privacy/request/ asks residents to call.",
        )
    ]
