"""Rate limits: each API client its own (set in the admin), staff and anonymous callers the
rates of `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` ("staff", "anon").

Counted by the `limits` library's fixed-window strategy: one atomic increment per request (on
Redis a single script call that also sets the window's expiry), whatever the rate, where DRF's own
throttles read and rewrite the list of every request's time in the window and the cache API needs
three round trips. The counters live in `PORTAL_API_RATE_STORAGE`: the Redis of REDIS_CACHE_URL in
production, shared by every process; otherwise each process's memory. A refused request gets HTTP
429 with `Retry-After` (the seconds until its window ends).

If the shared store does not answer (Redis down, or hung: each call waits at most
`REDIS_SOCKET_TIMEOUT`), the process counts in its own memory for `REDIS_FAILOVER_SECONDS`, says
so in the log, and then tries the store again: intake goes on with per-process limits, each
process allowing a client its whole rate (issue 13).
"""

import logging
import math
import time
from functools import cache

from limits import (
    RateLimitItemPerDay,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
    storage,
    strategies,
)
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .models import ApiClient

log = logging.getLogger(__name__)

PER = {
    "s": RateLimitItemPerSecond,
    "m": RateLimitItemPerMinute,
    "h": RateLimitItemPerHour,
    "d": RateLimitItemPerDay,
}


class FailoverLimiter:
    """The shared limiter, and this process's own for a while after the shared one failed."""

    def __init__(self, uri: str, *, timeout: float, failover_seconds: float):
        options = {}
        if uri.partition(":")[0] in {"redis", "rediss", "redis+sentinel", "redis+cluster"}:
            options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
        self.shared = strategies.FixedWindowRateLimiter(storage.storage_from_string(uri, **options))
        self.local = strategies.FixedWindowRateLimiter(storage.MemoryStorage())
        self.failover_seconds = failover_seconds
        self.shared_paused_until = 0.0

    def _call(self, name: str, *args):
        if time.monotonic() >= self.shared_paused_until:
            try:
                return getattr(self.shared, name)(*args)
            except Exception as error:
                self.shared_paused_until = time.monotonic() + self.failover_seconds
                log.warning(
                    "API rate limit: the counter store did not answer (%s: %s); counting in this "
                    "process's memory for %s s (per-process limits)",
                    type(error).__name__,
                    error,
                    self.failover_seconds,
                )
        return getattr(self.local, name)(*args)

    def hit(self, item, *identifiers) -> bool:
        return self._call("hit", item, *identifiers)

    def get_window_stats(self, item, *identifiers):
        return self._call("get_window_stats", item, *identifiers)

    def reset(self) -> None:
        self.local.storage.reset()
        self.shared.storage.reset()


@cache
def limiter() -> FailoverLimiter:
    """The process's limiter, made on first use (after the server forks its workers)."""
    from django.conf import settings

    return FailoverLimiter(
        settings.PORTAL_API_RATE_STORAGE,
        timeout=settings.REDIS_SOCKET_TIMEOUT,
        failover_seconds=settings.REDIS_FAILOVER_SECONDS,
    )


@cache
def parse_rate(rate: str):
    """'120/min' (the form `clients.models.rate_validator` accepts) as a `limits` item."""
    count, _slash, period = rate.partition("/")
    return PER[period.strip()[:1].lower()](int(count), namespace="api")


def reset() -> None:
    """Forget every counter (tests)."""
    limiter().reset()


class KeyRateThrottle(BaseThrottle):
    THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    def __init__(self):
        self.retry_after = None

    def allow_request(self, request, view):
        rate = self._rate_for(request)
        if rate is None:
            return True
        item, ident = parse_rate(rate), self._ident(request)
        if limiter().hit(item, ident):
            return True
        reset_at = limiter().get_window_stats(item, ident).reset_time
        self.retry_after = max(math.ceil(reset_at - time.time()), 1)
        return False

    def wait(self):
        return self.retry_after

    def _rate_for(self, request):
        if isinstance(request.auth, ApiClient):
            return request.auth.rate_limit
        scope = "staff" if request.user and request.user.is_authenticated else "anon"
        return self.THROTTLE_RATES.get(scope)

    def _ident(self, request) -> str:
        if isinstance(request.auth, ApiClient):
            return f"client-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"
