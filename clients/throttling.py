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

Every counted request also learns its quota, which `portal.middleware.RateLimitHeadersMiddleware`
announces on the response, successful or not, in the fields of the IETF draft "RateLimit header
fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-10, structured fields):
`RateLimit-Policy: "client";q=120;w=60` (the quota: 120 requests in a 60-second window) and
`RateLimit: "client";r=87;t=42` (87 left, the window ends in 42 s). The policy is named after
who is counted: `client`, `staff` or `anon`. On Redis the count and the window's remaining
time come back from one script call, so the headers cost no second round trip.
"""

import logging
import math
import time
from dataclasses import dataclass
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

    @property
    def storage(self):
        """The store counting now: the shared one, or this process's while it is paused."""
        if time.monotonic() >= self.shared_paused_until:
            return self.shared.storage
        return self.local.storage

    def count(self, item, ident: str) -> tuple[int, int]:
        """Count one request: (requests in this window, seconds left), in the shared store,
        else (for `failover_seconds` after it failed) in this process's memory."""
        if time.monotonic() >= self.shared_paused_until:
            try:
                return _count_in(self.shared.storage, item, ident)
            except Exception as error:
                self.shared_paused_until = time.monotonic() + self.failover_seconds
                log.warning(
                    "API rate limit: the counter store did not answer (%s: %s); counting in this "
                    "process's memory for %s s (per-process limits)",
                    type(error).__name__,
                    error,
                    self.failover_seconds,
                )
        return _count_in(self.local.storage, item, ident)

    def test(self, item, *identifiers) -> bool:
        return (self.shared if self.storage is self.shared.storage else self.local).test(
            item, *identifiers
        )

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


# INCRBY, the window's expiry set by the first hit (as limits' own fixed window does), and the
# seconds left, in one round trip.
_COUNT_SCRIPT = """
local count = redis.call("incrby", KEYS[1], 1)
if count == 1 then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {count, redis.call("ttl", KEYS[1])}
"""


@dataclass(frozen=True)
class Quota:
    """One counted request: the policy (name, limit per window) and where its window stands."""

    name: str
    limit: int
    window: int  # seconds
    remaining: int
    reset: int  # seconds until the window ends

    @property
    def policy_field(self) -> str:
        return f'"{self.name}";q={self.limit};w={self.window}'

    @property
    def field(self) -> str:
        return f'"{self.name}";r={self.remaining};t={self.reset}'


@cache
def _count_script(redis_storage):
    return redis_storage.get_connection().register_script(_COUNT_SCRIPT)


def _count_in(store, item, ident: str) -> tuple[int, int]:
    key = item.key_for(ident)
    if isinstance(store, storage.RedisStorage):
        hits, ttl = _count_script(store)([store.prefixed_key(key)], [item.get_expiry()])
        return int(hits), max(int(ttl), 0)
    hits = store.incr(key, item.get_expiry())
    return hits, max(math.ceil(store.get_expiry(key) - time.time()), 0)


def count(item, ident: str) -> tuple[int, int]:
    """Count one request against `item` for `ident`: (requests in this window, seconds left)."""
    return limiter().count(item, ident)


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
        hits, reset_in = count(item, ident)
        request._request.ratelimit = Quota(
            name=self._policy(request),
            limit=item.amount,
            window=item.get_expiry(),
            remaining=max(item.amount - hits, 0),
            reset=reset_in,
        )
        if hits <= item.amount:
            return True
        self.retry_after = max(reset_in, 1)
        return False

    def wait(self):
        return self.retry_after

    def _rate_for(self, request):
        if isinstance(request.auth, ApiClient):
            return request.auth.rate_limit
        scope = "staff" if request.user and request.user.is_authenticated else "anon"
        return self.THROTTLE_RATES.get(scope)

    def _policy(self, request) -> str:
        if isinstance(request.auth, ApiClient):
            return "client"
        return "staff" if request.user and request.user.is_authenticated else "anon"

    def _ident(self, request) -> str:
        if isinstance(request.auth, ApiClient):
            return f"client-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"
