"""The health check for load balancers and monitoring: GET /healthz.

A web process that reaches the database can take demands: then it answers 200, even while the
broker or the cache's Redis is down (intake goes on without them, issue 13), with "degraded" and
the part that is down in the body for monitoring. Only a database that does not answer makes it
503, so a load balancer takes the process out of rotation only when it truly cannot serve.
Every check is bounded (the broker's by `PORTAL_OUTBOX_HANDOFF_TIMEOUT`, the cache's by
`REDIS_SOCKET_TIMEOUT`).
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import broker

log = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok(), "cache": _cache_ok()}
    if not checks["database"]:
        status, code = "unavailable", 503
    else:
        status, code = ("ok" if all(checks.values()) else "degraded"), 200
    return JsonResponse(
        {"status": status, **{k: "ok" if v else "down" for k, v in checks.items()}},
        status=code,
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("healthz: database check failed")
        return False


def _broker_ok() -> bool:
    if broker.answers(settings.PORTAL_OUTBOX_HANDOFF_TIMEOUT):
        return True
    log.warning("healthz: the broker does not answer")
    return False


def _cache_ok() -> bool:
    cache = caches["default"]
    cache.get("portal:healthz")  # a Redis that fails switches this process to its own memory
    return getattr(cache, "redis_available", True)
