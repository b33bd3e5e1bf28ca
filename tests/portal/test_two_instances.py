"""Two gunicorn instances behind one address: a browser's session and the API's rate counter
hold whichever instance answers (sessions in the database, counters in Redis), as behind nginx's
round-robin `upstream` (README, "Scaling")."""

import re

import httpx
import pytest
import redis
from django.contrib.auth import get_user_model
from django.db import connection

from tests.tickets.celery_worker import redis_url_or_skip, worker_database_url

from .processes import Gunicorn, RoundRobinProxy, free_port, manage, portal_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RATE = 8  # API requests a minute for the staff token


@pytest.fixture
def two_instances(django_db_setup, tmp_path):
    redis_url = redis_url_or_skip()
    env = portal_env(
        worker_database_url(),
        tmp_path,
        REDIS_CACHE_URL=redis_url,
        API_STAFF_RATE=f"{RATE}/min",
    )
    manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('chief', 'chief@example.org', 'pw-12345')",
        env=env,
    )
    token = manage("create_staff_token", "chief", env=env).strip()
    # A counter of an earlier run's user with the same id may still be in its minute.
    chief = get_user_model().objects.get(username="chief")
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"LIMITS:api/user-{chief.pk}/*"):
        client.delete(key)
    servers = [
        Gunicorn(port=free_port(port), env=env, log=tmp_path / f"gunicorn-{port}.log").start()
        for port in (8185, 8186)
    ]
    proxy = RoundRobinProxy(free_port(8187), [s.port for s in servers]).start()
    yield proxy, token
    proxy.stop()
    for server in servers:
        server.stop()


def test_a_session_and_the_rate_limit_hold_across_two_instances(two_instances):
    proxy, token = two_instances
    assert connection.vendor == "postgresql"
    with httpx.Client(base_url=proxy.url, timeout=60) as browser:
        page = browser.get("/admin/login/")  # instance A: the CSRF cookie
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = browser.post(  # instance B checks it and stores the session
            "/admin/login/",
            data={"username": "chief", "password": "pw-12345", "csrfmiddlewaretoken": csrf},
        )
        assert response.status_code == 302
        for _ in range(4):  # both instances know the session
            assert browser.get("/admin/").status_code == 200
    with httpx.Client(
        base_url=proxy.url, headers={"Authorization": f"Token {token}"}, timeout=60
    ) as api:
        codes = [api.get("/api/v1/categories/").status_code for _ in range(RATE + 2)]
    # One counter for both instances: the limit is reached after RATE requests in all.
    assert codes == [200] * RATE + [429, 429]
    assert min(proxy.served.values()) >= 5  # every instance answered its share
