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


DEBUG = env_bool("DJANGO_DEBUG", False)
# The default key only exists so the demo starts; `manage.py check --deploy` flags it.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-12345-portal-demo-key-change-me-in-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
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
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "12345@localhost")

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_CACHE_URL"],
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
# production, else each process's memory.
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
    # Redis redelivers unacknowledged messages after this long; our tasks finish in seconds.
    # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
    # A broker that does not answer must not hold a request for the system's TCP connect timeout
    # (minutes): the outbox relay hands over what could not be enqueued (tickets.outbox.enqueue).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
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
    "TITLE": "12345 civic portal API",
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

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Staff sign-in, sessions, API caching, contact numbers (issue 12 §3, helper "hardening") -----
# Failed sign-ins are counted by django-axes in the database (not the cache: sign-in keeps working
# when Redis is down), per account and per client address, each against its own limit
# (accounts.guard). Failures older than the cool-off are forgotten; a supervisor unlocks earlier
# (admin: Staff sign-in › Failed staff sign-ins). https://django-axes.readthedocs.io/
INSTALLED_APPS += ["axes", "accounts"]
MIDDLEWARE += [
    "portal.middleware.ApiNoStoreMiddleware",  # Cache-Control: no-store on every /api/v1/ answer
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
# A pending row whose delivery should have run this long ago is enqueued again (the relay).
PORTAL_OUTBOX_STALE_SECONDS = float(os.environ.get("OUTBOX_STALE_SECONDS", "1200"))
# After a failed hand-off to the broker a process leaves deliveries to the relay this long.
PORTAL_OUTBOX_BROKER_PAUSE_SECONDS = float(os.environ.get("OUTBOX_BROKER_PAUSE_SECONDS", "30"))
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
