"""Per-IP rate limits on the public site, counted in the Django cache.

Built on django-ratelimit's counter (`django_ratelimit.core.get_usage`): fixed windows kept with
atomic `cache.add`/`cache.incr`, the client address from `RATELIMIT_IP_META_KEY` behind a proxy,
and IPv6 clients grouped by their /64 network, so one phone cannot dodge the limit by rotating
addresses within its own prefix. We call it directly instead of through its decorator because a
tracking look-up counts twice: every look-up in `track`, and a wrong number or code again in
`track_fail` once we know it was wrong. The app is not in INSTALLED_APPS: its system check refuses
the local-memory cache the embedded demo uses (correct only for a single process; production sets
REDIS_CACHE_URL so every process shares the counts).

Limits are `settings.PORTAL_RATE_LIMITS` ("count/period"). In production the cache is
`portal.cache.FailoverRedisCache`: while Redis does not answer it counts in the process's own
memory (logged), so residents can still submit, each process allowing an address its whole rate.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = max(int(retry_after), 1)


def _usage(request, group: str, *, increment: bool):
    return get_usage(
        request,
        group=f"portal.{group}",
        key="ip",
        rate=settings.PORTAL_RATE_LIMITS[group],
        increment=increment,
    )


def check(request, group: str) -> None:
    """Raise RateLimited when `group`'s allowance is used up; counts nothing."""
    usage = _usage(request, group, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise RateLimited(usage["time_left"])


def hit(request, group: str) -> None:
    """Count one attempt; raise RateLimited if it is over the allowance."""
    usage = _usage(request, group, increment=True)
    if usage is not None and usage["should_limit"]:
        raise RateLimited(usage["time_left"])


def record(request, group: str) -> None:
    """Count one attempt without refusing this one (a wrong code is answered as wrong)."""
    _usage(request, group, increment=True)


def too_many_requests(request, error: RateLimited):
    response = render(
        request,
        "portal/too_many_requests.html",
        {"retry_minutes": -(-error.retry_after // 60)},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def limited(view):
    """Answer RateLimited raised by `view` with the friendly 429 page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RateLimited as error:
            return too_many_requests(request, error)

    return wrapped
