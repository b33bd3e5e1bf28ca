"""Settings for the benchmark server: the portal's, plus the comparison views' URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api.urls"
# The API client used by the benchmark has its own (high) rate; keep staff/anon as configured.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# The benchmark serves the API only, no page: no collected static files needed (portal.checks).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
