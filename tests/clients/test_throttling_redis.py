"""The API's rate counter on a real Redis (as in production): one script call returns the count
and the seconds left in the window, which the RateLimit headers announce (issue 16 §3)."""

import uuid

import pytest

from clients import throttling
from tests.tickets.celery_worker import redis_url_or_skip


@pytest.fixture
def redis_limiter(settings):
    settings.PORTAL_API_RATE_STORAGE = redis_url_or_skip()
    throttling.limiter.cache_clear()
    yield throttling.limiter()
    throttling.limiter().storage.reset()
    throttling.limiter.cache_clear()


def test_redis_counts_and_tells_the_window_in_one_call(redis_limiter, monkeypatch):
    from limits.storage import RedisStorage

    store = redis_limiter.storage
    assert isinstance(store, RedisStorage)
    calls = []
    connection = store.get_connection()
    original = connection.evalsha
    monkeypatch.setattr(connection, "evalsha", lambda *a, **k: calls.append(a) or original(*a, **k))
    item, ident = throttling.parse_rate("3/hour"), f"test-{uuid.uuid4().hex}"
    throttling.count(item, f"{ident}-warm")  # the first call also loads the script
    calls.clear()
    counts = [throttling.count(item, ident) for _ in range(4)]
    assert [hits for hits, _left in counts] == [1, 2, 3, 4]
    assert all(3590 <= left <= 3600 for _hits, left in counts)
    assert len(calls) == 4  # one round trip per request, nothing else
    # the same key as the limits library's own fixed window: its view agrees
    assert not redis_limiter.test(item, ident)
