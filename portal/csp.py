"""The public pages' Content-Security-Policy.

`settings.PORTAL_PUBLIC_CSP` is enforced on every view wrapped in `public_page`: those pages load
only their own static CSS and JavaScript, with no inline script, style or event handler. The
setting is read per request, so tests and deployments can change it.
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.csp import csp_override


def public_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return csp_override(settings.PORTAL_PUBLIC_CSP)(view)(request, *args, **kwargs)

    return wrapped
