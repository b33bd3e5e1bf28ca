"""Reads that may come from a PostgreSQL streaming replica, and reading one's own writes.

With `DATABASE_REPLICA_URL` set, the database alias "replica" exists and `ReplicaRouter` is
installed. Every read goes to the primary ("default") unless the view declared with `@reads`
that its reads may lag a little behind: the staff analytics pages, the CSV export, the public
statistics and open data, and the API's list reads. Those go to the replica, except:

- for a caller who wrote within the last `REPLICA_PIN_SECONDS`: a browser carries a cookie
  (`primary_until`) set by the response to its write, an API client (a token, no cookies) is
  pinned by its user in the shared cache; either way it reads its own writes from the primary;
- inside a transaction on the primary (a service reading what it is about to change);
- while the replica lags more than `REPLICA_MAX_LAG_SECONDS` behind, or does not answer
  (checked at most every `REPLICA_CHECK_SECONDS` per process): the primary serves, slower but
  current.

Writes always go to the primary; migrations run there only (the replica copies them). Celery
tasks and management commands have no request, so they read from the primary.

Why our own ~150 lines rather than django-multidb-router's PinningReplicaRouter (the well-kept
library with the same cookie pinning): it sends every read to the replica unless pinned, and the
admin, the services' reads and the residents' pages would then each need `use_primary_db`. Here
the replica is opt-in per view, which keeps every page that shows a ticket to the person
changing it on the primary.
"""

import contextvars
import functools
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "primary_until"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


@dataclass
class RequestState:
    request: object = None
    pinned: bool | None = None  # None: not decided yet (the user is known only after auth)
    wrote: bool = False
    replica_allowed: bool = False


_state: contextvars.ContextVar[RequestState | None] = contextvars.ContextVar(
    "replica_state", default=None
)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def reads(view):
    """Let the decorated view read from the replica, until its response is rendered (a
    TemplateResponse evaluates its querysets after the view returned)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        state = _state.get()
        if state is not None:
            state.replica_allowed = True
        return view(*args, **kwargs)

    return wrapper


class ReplicaReadsMixin:
    """For DRF views: the GET handler's reads may come from the replica. Authentication and
    permissions are checked first, on the primary (a key issued a moment ago is found)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        state = _state.get()
        if state is not None and request.method in ("GET", "HEAD"):
            state.replica_allowed = True


def alias_for_reads() -> str:
    """The alias a read made now would use: for querysets evaluated after the view returned
    (a streamed export), which must be bound with `.using()` while the view runs."""
    return _read_alias() or DEFAULT_DB_ALIAS


def _read_alias() -> str | None:
    state = _state.get()
    if state is None or not state.replica_allowed or not configured():
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    if state.pinned is None:
        state.pinned = _user_pinned(state.request)
    if state.pinned or not replica_is_current():
        return None
    return REPLICA


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS) for the alias "replica"."""

    def db_for_read(self, model, **hints):
        return _read_alias()

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """Keeps the request's routing state, and pins a caller who wrote to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        now = time.time()
        state = RequestState(request=request)
        state.pinned = _cookie_until(request) > now or None  # the user's pin: decided later
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        wrote = state.wrote or request.method not in SAFE_METHODS
        if wrote and response.status_code < 400:
            seconds = settings.PORTAL_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{now + seconds:.3f}",
                max_age=int(seconds) + 1,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_pin_key(user.pk), now + seconds, timeout=int(seconds) + 1)
        return response


def _cookie_until(request) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        return 0.0


def _pin_key(user_id) -> str:
    return f"replica-pin:{user_id}"


def _user_pinned(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return (cache.get(_pin_key(user.pk)) or 0) > time.time()


# -- lag ----------------------------------------------------------------------------------------

_health = {"checked": 0.0, "current": True}
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_lag() -> float:
    """Seconds the replica's replay is behind what it has received; 0 when it has replayed
    everything (an idle primary is not lag)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_is_current() -> bool:
    now = time.monotonic()
    if now - _health["checked"] < settings.PORTAL_REPLICA_CHECK_SECONDS:
        return _health["current"]
    try:
        lag = replica_lag()
        current = lag <= settings.PORTAL_REPLICA_MAX_LAG_SECONDS
        if not current:
            log.warning("replica %.1f s behind: reading from the primary", lag)
    except Exception as error:  # the replica is down or unreachable: the primary serves
        log.warning("replica unavailable (%s): reading from the primary", error)
        connections[REPLICA].close()
        current = False
    _health.update(checked=now, current=current)
    return current
