"""A Redis cache that the site keeps working without: bounded waits, then this process's memory.

Everything the default cache holds can be rebuilt or counted again: API clients found by their
key (`clients.services.client_for_key`), the home page's figures, /stats/ pages, the residents'
site's per-IP counters (`portal.ratelimit`). So when Redis does not answer — down (refused at
once) or hung (each call waits at most `socket_timeout`, settings `REDIS_SOCKET_TIMEOUT`) — a
call falls back to a local-memory cache of this process, and for `FAILOVER_SECONDS` the process
does not try Redis at all, so a hung Redis costs one bounded wait per process per interval, not
one per call. The switch is logged (WARNING) each time, naming what it means: API keys are looked
up in the database, rate limits count per process, figures are computed here.

What a process remembers in its memory during an outage stays there: a key revoked in another
process keeps working in this one for at most its cache time (`PORTAL_API_KEY_CACHE_SECONDS`);
counters restart from zero on each side of the switch.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_FAILOVER_SECONDS = 5.0


def _failover(name: str):
    primary = getattr(RedisCache, name)

    @wraps(primary)
    def call(self, *args, **kwargs):
        if time.monotonic() >= self._redis_paused_until:
            try:
                return primary(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._pause(error)
        return getattr(self.fallback, name)(*args, **kwargs)

    return call


class FailoverRedisCache(RedisCache):
    """Django's RedisCache; `OPTIONS["FAILOVER_SECONDS"]` (5) is how long this process uses its
    memory after Redis failed. The other OPTIONS go to redis-py's connection pool: set
    `socket_timeout` and `socket_connect_timeout`, or a hung Redis holds the request."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.failover_seconds = float(options.pop("FAILOVER_SECONDS", DEFAULT_FAILOVER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(
            f"failover-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10000}},
        )
        self._redis_paused_until = 0.0

    def _pause(self, error: Exception) -> None:
        self._redis_paused_until = time.monotonic() + self.failover_seconds
        log.warning(
            "cache: Redis did not answer (%s: %s); this process uses its own memory for %s s: "
            "API keys are read from the database, rate limits count per process, figures are "
            "computed here",
            type(error).__name__,
            error,
            self.failover_seconds,
        )

    @property
    def redis_available(self) -> bool:
        """False while this process leaves Redis alone after a failure."""
        return time.monotonic() >= self._redis_paused_until

    add = _failover("add")
    get = _failover("get")
    set = _failover("set")
    touch = _failover("touch")
    delete = _failover("delete")
    get_many = _failover("get_many")
    has_key = _failover("has_key")
    incr = _failover("incr")
    set_many = _failover("set_many")
    delete_many = _failover("delete_many")
    clear = _failover("clear")
