"""Settings for the 12345 portal, read from the environment.

Every value has a default that serves the embedded demo (`make run`): SQLite in `var/`, a Celery
broker on the local filesystem, console e-mail. Production sets at least DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis or RabbitMQ).
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto" (or "X-Forwarded-Proto=https") as Django's ("HTTP_X_FORWARDED_PROTO",
    "https"); empty for None (no proxy: trust only the connection itself)."""
    header, _sep, expected = value.partition("=")
    header = header.strip()
    if not header:
        return None
    name = header.upper().replace("-", "_")
    return (name if name.startswith("HTTP_") else f"HTTP_{name}", expected.strip() or "https")


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Signed cookies, password reset links and tracking links would all be forgeable.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production set it to a long random value, e.g. "
            "the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For the demo set DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "django-insecure-12345-portal-demo-key-change-me-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Behind a TLS-terminating proxy (deploy/nginx.conf; README "Deployment"). Every value comes from
# the environment; the defaults suit the demo on plain HTTP.
# https://docs.djangoproject.com/en/6.1/ref/settings/#secure-proxy-ssl-header
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", ""))
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# The health check answers on plain HTTP too: probes talk to gunicorn directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
# e.g. security.W021 for a domain that must not be submitted to the browsers' HSTS preload list.
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

INSTALLED_APPS = [
    "portal.admin_apps.PortalAdminConfig",  # django.contrib.admin with our site
    "rangefilter",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",  # issue 5
    "drf_spectacular",  # issue 5
    "drf_spectacular_sidecar",  # issue 5: Swagger UI assets
    "portal",
    "departments",
    "tickets",
    "analytics",
    "clients",  # issue 5: API clients, staff tokens
    "knowledge",  # issue 14: the knowledge base
    "suggestions",  # issue 14: suggestions from the caller's words
    "geo",  # issue 17: boundaries, a point finds its place, maps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.replica.ReplicaPinMiddleware",  # issue 18: reads from a replica, own writes pinned
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI (DATABASE_URL=postgres://...), SQLite for the demo.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The dev server and the Celery worker share one file: take the write lock when a
    # transaction begins (so select_for_update-style services serialise instead of failing
    # with "database is locked" on upgrade), and let readers proceed beside the writer (WAL).
    # https://docs.djangoproject.com/en/stable/ref/databases/#sqlite-transaction-behavior
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the demo's database file lives here
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering index of callbacks (`include=`) is a plain index on SQLite: fine for the demo.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# --- Scaling (issue 18): connection pool, PgBouncer, a read replica --------------------------
# DATABASE_POOL: psycopg's connection pool in each process, "on" or JSON options for
# psycopg_pool.ConnectionPool, e.g. {"min_size": 2, "max_size": 4, "timeout": 10}; replaces
# persistent connections (CONN_MAX_AGE). https://docs.djangoproject.com/en/6.1/ref/databases/#connection-pool
# Behind PgBouncer in transaction mode, point DATABASE_URL at PgBouncer and leave server-side
# cursors on: the two `.iterator()` reads (the CSV export, the statistics refresh) run inside a
# transaction, where transaction pooling keeps them on one server connection.
_pool = os.environ.get("DATABASE_POOL", "").strip()
# DATABASE_REPLICA_URL: a streaming replica for the reads that may lag (portal.replica).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # Tests run against one database: the alias mirrors the default one there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS"):
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        if _pool and _pool.lower() not in {"0", "off", "false", "no"}:
            _db["CONN_MAX_AGE"] = 0  # the pool keeps the connections
            _db.setdefault("OPTIONS", {})["pool"] = (
                json.loads(_pool) if _pool.startswith("{") else True
            )
# A caller who wrote reads from the primary this long; the replica serves only while it is at
# most REPLICA_MAX_LAG_SECONDS behind, checked at most every REPLICA_CHECK_SECONDS per process.
PORTAL_REPLICA_PIN_SECONDS = float(os.environ.get("REPLICA_PIN_SECONDS", "10"))
PORTAL_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
PORTAL_REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))
# --- end of scaling database settings ---------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English second; stored in UTC, shown in Beijing.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]  # English dates as "26 November 2026, 15:30"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# https://docs.djangoproject.com/en/6.1/topics/email/ (MAILERS replaces EMAIL_BACKEND in 6.1)
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    # Production: the city's mail relay. The timeout bounds each socket operation; the delivery
    # task's time limit bounds the whole attempt (CELERY_TASK_ANNOTATIONS below).
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": float(os.environ.get("EMAIL_TIMEOUT", "10")),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "12345@localhost")

# Every call to Redis (cache, API rate counters, the broker hand-off) waits at most this long for
# an answer; after a failure the process leaves the cache and the rate store alone for
# REDIS_FAILOVER_SECONDS and uses its own memory (portal.cache; issue 13).
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25"))
REDIS_FAILOVER_SECONDS = float(os.environ.get("REDIS_FAILOVER_SECONDS", "5"))
CACHES = {
    "default": (
        {
            "BACKEND": "portal.cache.FailoverRedisCache",
            "LOCATION": os.environ["REDIS_CACHE_URL"],
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "FAILOVER_SECONDS": REDIS_FAILOVER_SECONDS,
            },
        }
        if os.environ.get("REDIS_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Categories, regions and the dispatch catalogue's suggestions read by every submission
    # (tickets.lookups): kept in each process's memory, cleared there when one of them (or a rule
    # or a unit) is saved, reloaded elsewhere within TIMEOUT seconds.
    "reference": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reference",
        "TIMEOUT": int(os.environ.get("PORTAL_REFERENCE_CACHE_SECONDS", "60")),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
# Where the API's rate-limit counters live (clients.throttling): Redis shared by every process in
# production, else each process's memory (also while that Redis does not answer).
PORTAL_API_RATE_STORAGE = os.environ.get(
    "API_RATE_STORAGE", os.environ.get("REDIS_CACHE_URL") or "memory://"
)
# An API client found by its key is kept this many seconds in the default cache, which every
# change to the client clears. Only a shared (Redis) cache can clear it in every process at once,
# so with the per-process memory cache keys are looked up on each request (0).
_KEY_CACHE_DEFAULT = "30" if os.environ.get("REDIS_CACHE_URL") else "0"
PORTAL_API_KEY_CACHE_SECONDS = int(
    os.environ.get("PORTAL_API_KEY_CACHE_SECONDS", _KEY_CACHE_DEFAULT)
)

# Celery. The embedded default is kombu's filesystem transport: a real broker with no server,
# enough for one worker and beat on one machine. Production points this at Redis or RabbitMQ.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist.
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables (the worker's control channel); kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # kombu's Redis transport with the fix that keeps a worker alive through a broker blip.
        CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
    # Redis redelivers unacknowledged messages after this long; our tasks finish in seconds.
    # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
    # A broker that does not answer must not hold a worker or beat for ever: every call waits at
    # most socket_timeout. The hand-off after a request has far tighter bounds
    # (OUTBOX_HANDOFF_TIMEOUT, portal.broker.quick_connection); the relay hands over the rest.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Ticket numbers, public tracking and intake limits.
PORTAL_TICKET_DESCRIPTION_MAX = 4000

# --- Attachments (issue 12): never served from MEDIA_URL; every download goes through a view
# that applied the caller's scope (tickets/files.py). How that view hands over the bytes:
# "stream" (Django streams the file; the default, fine for the demo and small sites),
# "x-accel-redirect" (nginx serves PORTAL_FILES_ACCEL_PREFIX + the file's name from an
# `internal` location, see README), or "x-sendfile" (Apache mod_xsendfile / lighttpd: the file's
# absolute path). https://nginx.org/en/docs/http/ngx_http_core_module.html#internal
PORTAL_FILES_SERVE = os.environ.get("PORTAL_FILES_SERVE", "stream")
PORTAL_FILES_ACCEL_PREFIX = os.environ.get("PORTAL_FILES_ACCEL_PREFIX", "/protected-media/")
# Signed links (django.core.signing) for callers that cannot send credentials: photos in API
# JSON for apps (per caller, short), and published photos in Open311's media_urls (longer, so a
# consumer's page of results keeps working; publication is re-checked at every download).
PORTAL_FILE_LINK_SECONDS = int(os.environ.get("PORTAL_FILE_LINK_SECONDS", "900"))
PORTAL_PUBLIC_FILE_LINK_SECONDS = int(os.environ.get("PORTAL_PUBLIC_FILE_LINK_SECONDS", "86400"))

# --- Residents' site (issue 3) ----------------------------------------------------------------
# Content-Security-Policy: enforced on the public pages (portal.csp.public_page), which load only
# their own static CSS and JS; every other response carries it report-only, so a staff or API page
# that needs more shows its violations in the browser console without breaking.
# https://docs.djangoproject.com/en/6.1/howto/csp/
PORTAL_PUBLIC_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# --- Maps (issue 17) ---------------------------------------------------------------------------
# The map's tiles: an http(s) URL template ({z}/{x}/{y}, optional {s} among PORTAL_MAP_TILES_
# SUBDOMAINS), its attribution, and the coordinate system the tiles are drawn in (wgs84 for
# OpenStreetMap-like sources, gcj02 for AMap/Tencent-like sources in China: the map then shifts
# boundaries and points into GCJ-02 to draw them and back to WGS-84 when a resident drops a pin).
# Without tiles (the default, and in tests) the map draws the boundaries as vectors on a plain
# local tile and fetches nothing from elsewhere. https://leafletjs.com/reference.html#tilelayer
PORTAL_MAP = {
    "tiles": os.environ.get("PORTAL_MAP_TILES", ""),
    "attribution": os.environ.get("PORTAL_MAP_TILES_ATTRIBUTION", ""),
    "coord_system": os.environ.get("PORTAL_MAP_TILES_COORD_SYSTEM", "wgs84"),
    "subdomains": os.environ.get("PORTAL_MAP_TILES_SUBDOMAINS", "abc"),
    "max_zoom": int(os.environ.get("PORTAL_MAP_MAX_ZOOM", "18")),
    # Where a map with nothing to show starts: lat, lon, zoom (the demo city's centre).
    "centre": [float(v) for v in os.environ.get("PORTAL_MAP_CENTRE", "39.93,116.42,11").split(",")],
}


def _tile_sources(template: str, subdomains: str) -> list[str]:
    """The CSP sources of the tile host(s): scheme and host of the template, {s} expanded."""
    from urllib.parse import urlsplit

    if not template:
        return []
    parts = urlsplit(template)
    hosts = (
        [parts.hostname.replace("{s}", s) for s in subdomains]
        if "{s}" in template
        else [parts.hostname]
    )
    port = f":{parts.port}" if parts.port else ""
    return sorted({f"{parts.scheme}://{host}{port}" for host in hosts if host})


# Only the configured tile host joins img-src; nothing else of the policy changes.
PORTAL_PUBLIC_CSP["img-src"] = [
    CSP.SELF,
    *_tile_sources(PORTAL_MAP["tiles"], PORTAL_MAP["subdomains"]),
]
# Each process compares its boundary index with the database's version stamp at most this often
# (geo.index): after an import, every process uses the new boundaries within this many seconds.
PORTAL_BOUNDARY_RECHECK_SECONDS = float(os.environ.get("PORTAL_BOUNDARY_RECHECK_SECONDS", "5"))
# --- end of the map settings ------------------------------------------------------------------
SECURE_CSP_REPORT_ONLY = PORTAL_PUBLIC_CSP
# Per-IP limits ("count/period") on the public site, counted in the default cache: set
# REDIS_CACHE_URL when several processes serve the site, or each counts on its own.
PORTAL_RATE_LIMITS = {
    "submit": os.environ.get("PORTAL_RATE_SUBMIT", "10/h"),  # final submissions
    "track": os.environ.get("PORTAL_RATE_TRACK", "60/h"),  # tracking look-ups
    "track_fail": os.environ.get("PORTAL_RATE_TRACK_FAIL", "10/h"),  # wrong number or code
}
# The privacy notice (/privacy/) states what PIPL Art. 17 requires: who handles the residents'
# data and how to reach them, how long it is kept, and how to see, correct or delete it; each
# deployment sets its own. Requests made with the form on /privacy/request/ become tickets of the
# category PORTAL_PRIVACY_REQUEST_CATEGORY (a leaf; the demo city's is gov.affairs.privacy).
PORTAL_PRIVACY = {
    "handler": os.environ.get("PORTAL_PRIVACY_HANDLER", "北京市12345市民服务热线中心"),
    "handler_en": os.environ.get(
        "PORTAL_PRIVACY_HANDLER_EN", "Beijing 12345 Citizen Service Hotline Centre"
    ),
    "address": os.environ.get("PORTAL_PRIVACY_ADDRESS", ""),
    "phone": os.environ.get("PORTAL_PRIVACY_PHONE", "12345"),
    "email": os.environ.get("PORTAL_PRIVACY_EMAIL", "privacy@12345.example"),
    "retention_years": int(os.environ.get("PORTAL_PRIVACY_RETENTION_YEARS", "3")),
    "request_category": os.environ.get("PORTAL_PRIVACY_REQUEST_CATEGORY", "gov.affairs.privacy"),
}
# Behind a reverse proxy, the request header holding the client's address, e.g. HTTP_X_REAL_IP.
# https://django-ratelimit.readthedocs.io/en/stable/security.html
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
# --- end of residents' site settings ----------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- issue 5: REST API (/api/v1/) and Open311 (/open311/v2/) ---------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.authentication.KeyAuthentication",  # `Authorization: Token <key>`
        "rest_framework.authentication.SessionAuthentication",  # the browsable API
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["clients.throttling.KeyRateThrottle"],
    # API clients have their own rate (admin); these are for staff tokens/sessions and anonymous
    # callers (Open311 reads).
    "DEFAULT_THROTTLE_RATES": {
        "staff": os.environ.get("API_STAFF_RATE", "600/min"),
        "anon": os.environ.get("API_ANON_RATE", "120/min"),
    },
    "EXCEPTION_HANDLER": "tickets.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    # The title names a generated client's package (openapi-python-client: "hotline_12345_api_
    # client"): it must start with a letter for the package to be importable.
    "TITLE": "Hotline 12345 API",
    "DESCRIPTION": "Tickets, their workflow actions, reference data and dashboard counts. "
    "Authenticate with `Authorization: Token <key>` (an API client's key or a staff token).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.workflow.Status",
        "TicketKindEnum": "tickets.models.Kind",
        "UnitKindEnum": "departments.models.Department.Kind",
        "TicketOutcomeEnum": "tickets.models.Outcome",
        "CloseAtIntakeOutcomeEnum": "tickets.api.serializers.actions.CLOSE_OUTCOMES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tickets.api.schema.add_error_responses",
    ],
}
# Open311 GeoReport v2: the one jurisdiction this endpoint serves, and discovery's texts.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "12345.beijing.gov.cn")
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "12345 hotline centre, api@12345.example")
# Sortable stamp of the last change to the service list (discovery's `changeset`).
OPEN311_CHANGESET = os.environ.get("OPEN311_CHANGESET", "2026-11-26 00:00")
OPEN311_KEY_SERVICE = os.environ.get(
    "OPEN311_KEY_SERVICE", "API keys are issued by the 12345 hotline centre on request."
)
# --- end issue 5 ------------------------------------------------------------------------------

# --- Staff sign-in, sessions, API caching, contact numbers (issue 12 §3, helper "hardening") -----
# Failed sign-ins are counted by django-axes in the database (not the cache: sign-in keeps working
# when Redis is down), per account and per client address, each against its own limit
# (accounts.guard). Failures older than the cool-off are forgotten; a supervisor unlocks earlier
# (admin: Staff sign-in › Failed staff sign-ins). https://django-axes.readthedocs.io/
INSTALLED_APPS += ["axes", "accounts"]
MIDDLEWARE += [
    "portal.middleware.ApiNoStoreMiddleware",  # Cache-Control: no-store on every /api/v1/ answer
    "portal.middleware.RateLimitHeadersMiddleware",  # issue 16: RateLimit-Policy, RateLimit
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns a lockout into its page
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses first
    "django.contrib.auth.backends.ModelBackend",
]
PORTAL_LOGIN_LIMITS = {
    "account": max(1, int(os.environ.get("STAFF_LOGIN_FAILURES_PER_ACCOUNT", "5"))),
    # higher: a hotline centre signs in its whole shift from one office address
    "address": max(1, int(os.environ.get("STAFF_LOGIN_FAILURES_PER_ADDRESS", "30"))),
}
AXES_HANDLER = "accounts.guard.LoginGuardHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # in this order (accounts.guard)
AXES_FAILURE_LIMIT = PORTAL_LOGIN_LIMITS["account"]
_LOCKOUT_MINUTES = float(os.environ.get("STAFF_LOGIN_LOCKOUT_MINUTES", "30"))
# 0: a lock lasts until a supervisor lifts it (anyone can then lock any account: not advised).
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES) if _LOCKOUT_MINUTES else None
AXES_RESET_ON_SUCCESS = True  # the account's own failures only (accounts.guard)
AXES_CLIENT_IP_CALLABLE = "accounts.guard.client_address"  # RATELIMIT_IP_META_KEY behind a proxy
AXES_LOCKOUT_CALLABLE = "accounts.guard.lockout_response"  # HTTP 429, in the staff site's look
AXES_ENABLE_ADMIN = False  # accounts.admin shows the attempts, with the unlock actions
AXES_VERBOSE = False
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # each lockout; not every attempt
# A staff session lasts a working day from sign-in (renewed whenever the session changes), or, as
# an option, ends when the browser closes; set at sign-in (accounts.signals), so the residents'
# tracking sessions keep Django's SESSION_COOKIE_AGE.
# https://docs.djangoproject.com/en/6.1/topics/http/sessions/#browser-length-sessions-vs-persistent-sessions
PORTAL_STAFF_SESSION_SECONDS = int(float(os.environ.get("STAFF_SESSION_HOURS", "9")) * 3600)
PORTAL_STAFF_SESSION_AT_BROWSER_CLOSE = env_bool("STAFF_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# Contact numbers (tickets.phones): a local landline number of 7 or 8 digits is in this area.
PORTAL_PHONE_DEFAULT_AREA_CODE = os.environ.get("PORTAL_PHONE_DEFAULT_AREA_CODE", "010")
# --- end of the hardening settings (issue 12 §3) --------------------------------------------------

# --- Reminders and notifications (issue 6; DESIGN.md §5) ---------------------------------------
# Beat starts the sweeps every PORTAL_SWEEP_SECONDS, looking at what came due or changed within
# PORTAL_SWEEP_LOOKBACK, and every PORTAL_SWEEP_FULL_SECONDS at every open ticket (tickets.sweeps).
# Each sweep message expires after one interval: a stopped worker does not come back to a backlog.
PORTAL_SWEEP_SECONDS = float(os.environ.get("PORTAL_SWEEP_SECONDS", "60"))
PORTAL_SWEEP_LOOKBACK = float(os.environ.get("PORTAL_SWEEP_LOOKBACK_SECONDS", "900"))
PORTAL_SWEEP_FULL_SECONDS = float(os.environ.get("PORTAL_SWEEP_FULL_SECONDS", "3600"))
CELERY_BEAT_SCHEDULE = {
    "reminder-sweeps": {
        "task": "tickets.tasks.run_sweeps",
        "schedule": PORTAL_SWEEP_SECONDS,
        "kwargs": {"recent": True},
        "options": {"expires": PORTAL_SWEEP_SECONDS},
    },
    "reminder-sweeps-full": {
        "task": "tickets.tasks.run_sweeps",
        "schedule": PORTAL_SWEEP_FULL_SECONDS,
        "kwargs": {"recent": False},
        "options": {"expires": PORTAL_SWEEP_FULL_SECONDS},
    },
    # Knowledge-base articles past their last valid day warn their unit (knowledge.sweeps).
    "knowledge-expiry": {
        "task": "knowledge.tasks.warn_expired_articles",
        "schedule": PORTAL_SWEEP_FULL_SECONDS,
        "options": {"expires": PORTAL_SWEEP_FULL_SECONDS},
    },
    # Analytics summaries: recompute the days tickets changed on (analytics.refresh, issue 7).
    "refresh-statistics": {
        "task": "analytics.tasks.refresh_statistics",
        "schedule": float(os.environ.get("STATS_REFRESH_SECONDS", "300")),
    },
}
# One active beat (portal.beat): with BEAT_LOCK_REDIS_URL, celery-redbeat keeps the schedule in
# Redis and only the beat holding its lock sends; without, one beat with its schedule in a file.
# https://github.com/sibson/redbeat#configuration
# Beat wakes (and touches its heartbeat file, portal.beat) at least this often.
CELERY_BEAT_MAX_LOOP_INTERVAL = float(os.environ.get("BEAT_MAX_LOOP_SECONDS", "5"))
if os.environ.get("BEAT_LOCK_REDIS_URL"):
    CELERY_BEAT_SCHEDULER = "portal.beat.LockedScheduler"
    CELERY_REDBEAT_REDIS_URL = os.environ["BEAT_LOCK_REDIS_URL"]
    CELERY_REDBEAT_KEY_PREFIX = os.environ.get("BEAT_LOCK_KEY_PREFIX", "redbeat")
    # A dead beat's lock expires after this; the waiting beat takes over within about as long.
    CELERY_REDBEAT_LOCK_TIMEOUT = int(os.environ.get("BEAT_LOCK_TIMEOUT_SECONDS", "30"))
else:
    CELERY_BEAT_SCHEDULER = "portal.beat.LocalScheduler"
# Two queues, so deliveries never wait behind a long sweep and each can have its own workers:
# CELERY_REMINDER_QUEUE (beat's sweeps) and CELERY_DELIVERY_QUEUE (the outbox's deliveries).
# Unset, everything stays on CELERY_TASK_DEFAULT_QUEUE and one worker serves all.
_queues = {
    "reminders": os.environ.get("CELERY_REMINDER_QUEUE", ""),
    "deliveries": os.environ.get("CELERY_DELIVERY_QUEUE", ""),
}
CELERY_TASK_ROUTES = {
    **(
        {
            "tickets.tasks.run_sweeps": {"queue": _queues["reminders"]},
            "tickets.tasks.sweep": {"queue": _queues["reminders"]},
        }
        if _queues["reminders"]
        else {}
    ),
    **(
        {"tickets.tasks.deliver_notification": {"queue": _queues["deliveries"]}}
        if _queues["deliveries"]
        else {}
    ),
}
# At most this many due items per sweep run (catching up after downtime takes several runs).
PORTAL_SWEEP_BATCH = int(os.environ.get("PORTAL_SWEEP_BATCH", "5000"))
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
if not CELERY_BROKER_URL.startswith("filesystem://"):
    # JSON merged into the Redis transport options, e.g. a shorter visibility_timeout (which
    # must stay longer than the longest retry below); the worker tests use it.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        json.loads(os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS", "{}"))
    )
# Delivery retries: exponential backoff from the base, capped, at most this many retries.
PORTAL_NOTIFY_MAX_RETRIES = int(os.environ.get("NOTIFY_MAX_RETRIES", "8"))
PORTAL_NOTIFY_RETRY_BASE = float(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "30"))
PORTAL_NOTIFY_RETRY_CAP = float(os.environ.get("NOTIFY_RETRY_CAP_SECONDS", "900"))
# The relay (`manage.py relay_outbox`, its own process) hands off what the broker is owed every
# OUTBOX_RELAY_SECONDS, as soon as the broker answers; a pending row whose delivery should have run
# OUTBOX_STALE_SECONDS ago (its message lost) is enqueued again.
PORTAL_OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "2"))
PORTAL_OUTBOX_RELAY_BATCH = int(os.environ.get("OUTBOX_RELAY_BATCH", "500"))
PORTAL_OUTBOX_STALE_SECONDS = float(os.environ.get("OUTBOX_STALE_SECONDS", "300"))
# The most a hand-off to the broker after commit adds to a response (issue 13); after a failed one
# the process leaves deliveries to the relay for OUTBOX_BROKER_PAUSE_SECONDS.
PORTAL_OUTBOX_HANDOFF_TIMEOUT = float(os.environ.get("OUTBOX_HANDOFF_TIMEOUT", "0.5"))
PORTAL_OUTBOX_BROKER_PAUSE_SECONDS = float(os.environ.get("OUTBOX_BROKER_PAUSE_SECONDS", "30"))
# One delivery attempt may take this long: the delivery task's soft time limit (the hard one kills
# the worker process 15 s later) and the claim that keeps a second attempt off the row meanwhile.
PORTAL_NOTIFY_ATTEMPT_SECONDS = float(os.environ.get("NOTIFY_ATTEMPT_SECONDS", "30"))
CELERY_TASK_ANNOTATIONS = {
    "tickets.tasks.deliver_notification": {
        "soft_time_limit": PORTAL_NOTIFY_ATTEMPT_SECONDS,
        "time_limit": PORTAL_NOTIFY_ATTEMPT_SECONDS + 15,
    }
}
# Liveness files the health checks read (manage.py healthcheck): beat and the relay touch theirs.
PORTAL_HEARTBEAT_DIR = Path(os.environ.get("PORTAL_HEARTBEAT_DIR", VAR_DIR / "heartbeat"))
# Units with a daily digest get it at this local (Asia/Shanghai) hour.
PORTAL_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", "8"))
# Absolute links in messages (the rating link, the admin link for staff).
PORTAL_SITE_URL = os.environ.get("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# SMS: tickets.notify.ConsoleSMSBackend (demo), .FileSMSBackend (SMS_FILE_DIR) or
# .HTTPGatewaySMSBackend (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, SMS_GATEWAY_TIMEOUT).
PORTAL_SMS_BACKEND = os.environ.get("SMS_BACKEND", "tickets.notify.ConsoleSMSBackend")
PORTAL_SMS_OPTIONS = {
    "directory": os.environ.get("SMS_FILE_DIR", str(VAR_DIR / "sms")),
    "url": os.environ.get("SMS_GATEWAY_URL", ""),
    "token": os.environ.get("SMS_GATEWAY_TOKEN", ""),
    "timeout": float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10")),
    "sender": os.environ.get("SMS_SENDER", "12345"),
}
# --- end of issue 6 settings --------------------------------------------------------------------

# --- issue 14: suggestions from the caller's words (suggestions/) -------------------------------
# Retrain the category classifier every day at this Beijing hour (minute 30) on the latest closed
# tickets; "off" leaves training to `manage.py train_classifier`.
SUGGESTIONS_TRAIN_HOUR = os.environ.get("SUGGESTIONS_TRAIN_HOUR", "3")
if SUGGESTIONS_TRAIN_HOUR != "off":
    from celery.schedules import crontab

    CELERY_BEAT_SCHEDULE["train-classifier"] = {
        "task": "suggestions.tasks.train_classifier",
        "schedule": crontab(hour=int(SUGGESTIONS_TRAIN_HOUR), minute=30),
        "options": {"expires": 6 * 3600},
    }
# The newest closed tickets read per category for training (bounds the time at any volume).
SUGGESTIONS_PER_CATEGORY = int(os.environ.get("SUGGESTIONS_PER_CATEGORY", "500"))
# How often each process looks for a newer classifier version (seconds; 0: at every request).
SUGGESTIONS_MODEL_CHECK_SECONDS = float(os.environ.get("SUGGESTIONS_MODEL_CHECK_SECONDS", "30"))
# Classifier versions kept in the database (the newest active one always stays).
SUGGESTIONS_KEEP_VERSIONS = int(os.environ.get("SUGGESTIONS_KEEP_VERSIONS", "10"))
# Per-address rate of the residents' site's public suggestions (counted like the API's rates).
SUGGESTIONS_PUBLIC_RATE = os.environ.get("SUGGESTIONS_PUBLIC_RATE", "30/min")
# --- end of issue 14 settings -------------------------------------------------------------------
# --- Integrations (issue 16): idempotent POSTs, the change feed, webhooks ----------------------
INSTALLED_APPS += ["webhooks"]
# The answer to a POST with an Idempotency-Key is replayed this long (clients.idempotency).
PORTAL_IDEMPOTENCY_HOURS = float(os.environ.get("PORTAL_IDEMPOTENCY_HOURS", "24"))
# Webhooks (webhooks/): beat fans new changes out and retries due deliveries this often; each
# HTTP call has this total time limit (connect, send, answer); retries back off exponentially
# from the base to the cap, and a delivery is given up after so many attempts; a subscription
# failing without a success for so many hours (and at least so many attempts) is disabled and
# its client's contact e-mailed.
PORTAL_WEBHOOK_SWEEP_SECONDS = float(os.environ.get("WEBHOOK_SWEEP_SECONDS", "10"))
PORTAL_WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
PORTAL_WEBHOOK_RETRY_BASE = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "10"))
PORTAL_WEBHOOK_RETRY_CAP = float(os.environ.get("WEBHOOK_RETRY_CAP_SECONDS", "3600"))
PORTAL_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "20"))
PORTAL_WEBHOOK_DISABLE_AFTER_HOURS = float(os.environ.get("WEBHOOK_DISABLE_AFTER_HOURS", "72"))
PORTAL_WEBHOOK_DISABLE_MIN_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_MIN_FAILURES", "20"))
# Delivered deliveries (bodies and attempt logs) are kept this many days (hourly prune).
PORTAL_WEBHOOK_KEEP_DAYS = float(os.environ.get("WEBHOOK_KEEP_DAYS", "90"))
CELERY_BEAT_SCHEDULE["webhook-sweep"] = {
    "task": "webhooks.tasks.sweep",
    "schedule": PORTAL_WEBHOOK_SWEEP_SECONDS,
    "options": {"expires": PORTAL_WEBHOOK_SWEEP_SECONDS},
}
CELERY_BEAT_SCHEDULE["webhook-prune"] = {
    "task": "webhooks.tasks.prune",
    "schedule": PORTAL_SWEEP_FULL_SECONDS,
    "options": {"expires": PORTAL_SWEEP_FULL_SECONDS},
}
CELERY_BEAT_SCHEDULE["idempotency-expiry"] = {
    "task": "clients.tasks.expire_idempotency_records",
    "schedule": PORTAL_SWEEP_FULL_SECONDS,
    "options": {"expires": PORTAL_SWEEP_FULL_SECONDS},
}
# --- end of issue 16 settings -------------------------------------------------------------------
