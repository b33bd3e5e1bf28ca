"""A staff session's lifetime is set when its user signs in."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="staff_session_expiry")
def staff_session_expiry(sender, request, user, **kwargs):
    """A working day from sign-in (renewed whenever the session changes), or until the browser
    closes. Only signed-in sessions: the residents' tracking look-ups keep Django's default."""
    if request is None or not hasattr(request, "session"):
        return
    if settings.PORTAL_STAFF_SESSION_AT_BROWSER_CLOSE:
        request.session.set_expiry(0)
    else:
        request.session.set_expiry(settings.PORTAL_STAFF_SESSION_SECONDS)
