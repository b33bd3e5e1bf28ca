"""Without Redis the worker tests are skipped with the reason, except on CI, where they fail."""

import re

import pytest
from _pytest.outcomes import Failed, Skipped

from .celery_worker import redis_url_or_skip

NOBODY = "redis://127.0.0.1:1/0"  # a port nobody listens on


def test_missing_redis_skips_the_worker_tests_with_the_reason(monkeypatch):
    monkeypatch.setenv("REDIS_URL", NOBODY)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match=re.escape(f"no Redis answers at {NOBODY}")):
        redis_url_or_skip()


def test_missing_redis_fails_the_worker_tests_on_ci(monkeypatch):
    monkeypatch.setenv("REDIS_URL", NOBODY)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="CI needs Redis"):
        redis_url_or_skip()
