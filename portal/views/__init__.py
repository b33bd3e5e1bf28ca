"""Views of the public site, one module per page family:
home, privacy (the notice and the personal information request), submit (the two-step form
and its confirmation), options (the JSON lists the form's script fills its selects from), track
(look-up, ticket page, rating, reopening), errors (CSRF failure), health (the load balancer's
check)."""

from .health import healthz
from .home import home

__all__ = ["healthz", "home"]
