"""System checks for the residents' site."""

from django.core import checks
from django.db import DatabaseError


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
