"""Friendly error pages of the public site."""

from django.shortcuts import render

from ..csp import public_page


@public_page
def csrf_failure(request, reason=""):
    """The form's security token was missing or stale (e.g. a page left open for days, or
    cookies blocked): explain, and offer to start again. `reason` stays in the logs."""
    return render(request, "portal/csrf_failure.html", status=403)
