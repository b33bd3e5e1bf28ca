"""Settings for the benchmark server: the portal's, plus the comparison views' URLs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api.urls"
# The API client used by the benchmark has its own (high) rate; keep staff/anon as configured.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
