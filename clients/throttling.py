"""Rate limits: each API client its own (set in the admin), staff and anonymous callers the
rates of `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` ("staff", "anon").

Counted by the `limits` library's fixed-window strategy: one atomic increment per request (on
Redis a single script call that also sets the window's expiry), whatever the rate, where DRF's own
throttles read and rewrite the list of every request's time in the window and the cache API needs
three round trips. The counters live in `PORTAL_API_RATE_STORAGE`: the Redis of REDIS_CACHE_URL in
production, shared by every process; otherwise each process's memory. A refused request gets HTTP
429 with `Retry-After` (the seconds until its window ends); if the counter store does not answer,
requests are refused and the error is logged (fail closed, as on the residents' site).

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


@cache
def limiter() -> strategies.FixedWindowRateLimiter:
    """The process's limiter, made on first use (after the server forks its workers)."""
    from django.conf import settings

    return strategies.FixedWindowRateLimiter(
        storage.storage_from_string(settings.PORTAL_API_RATE_STORAGE)
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


def count(item, ident: str) -> tuple[int, int]:
    """Count one request against `item` for `ident`: (requests in this window, seconds left)."""
    store = limiter().storage
    key = item.key_for(ident)
    if isinstance(store, storage.RedisStorage):
        hits, ttl = _count_script(store)([store.prefixed_key(key)], [item.get_expiry()])
        return int(hits), max(int(ttl), 0)
    hits = store.incr(key, item.get_expiry())
    return hits, max(math.ceil(store.get_expiry(key) - time.time()), 0)


def reset() -> None:
    """Forget every counter (tests)."""
    limiter().storage.reset()


class KeyRateThrottle(BaseThrottle):
    THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES

    def __init__(self):
        self.retry_after = None

    def allow_request(self, request, view):
        rate = self._rate_for(request)
        if rate is None:
            return True
        item, ident = parse_rate(rate), self._ident(request)
        try:
            hits, reset_in = count(item, ident)
        except Exception:
            log.exception("API rate limit: the counter store did not answer; refusing")
            self.retry_after = 1
            return False
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
