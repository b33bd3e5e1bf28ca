"""Rate limits: each API client its own (set in the admin), staff and anonymous callers the
rates of `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` ("staff", "anon").

Counters live in the default cache: per process with the local-memory cache, shared by all
processes when REDIS_CACHE_URL is set (production). A refused request gets HTTP 429 with
`Retry-After`.
"""

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiClient


class KeyRateThrottle(SimpleRateThrottle):
    scope = "staff"

    def __init__(self):
        # The rate depends on the caller; it is resolved per request in allow_request.
        pass

    def allow_request(self, request, view):
        self.rate = self._rate_for(request)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def _rate_for(self, request):
        if isinstance(request.auth, ApiClient):
            return request.auth.rate_limit
        scope = "staff" if request.user and request.user.is_authenticated else "anon"
        return self.THROTTLE_RATES.get(scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            ident = f"client-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle:{ident}"
