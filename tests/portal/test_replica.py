"""Reads from a real streaming replica (portal.replica), one's own writes from the primary.

The test starts a PostgreSQL primary of its own and a replica made with pg_basebackup (another
port, a temporary folder), migrates the primary, loads the demo city and runs gunicorn with
DATABASE_REPLICA_URL. Replication lag is made real by pausing the replica's replay
(`pg_wal_replay_pause()`): whatever is then written exists on the primary only, so a read shows
which database answered it.
"""

import re
import time
import uuid

import httpx
import psycopg
import pytest

from tests.tickets.celery_worker import redis_url_or_skip

from .processes import Cluster, Gunicorn, free_port, manage, portal_env

TICKET = {
    "kind": "help",
    "category": "housing.property.plate",
    "region": "110105007001",
    "description": "老旧小区楼牌号缺失，外卖骑手找不到12号楼。",
    "address": "胜古南里12号楼",
    "contact_name": "李雪贞",
    "contact_phone": "13800138000",
}
PIN_SECONDS = 3
MAX_LAG_SECONDS = 8


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster(free_port(5441), free_port(5442))
    try:
        cluster.start()
    except Exception as error:
        logs = cluster.logs()
        cluster.stop()
        raise RuntimeError(f"{error}: {getattr(error, 'stderr', '')}\n{logs}") from error
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def portal(cluster, tmp_path_factory):
    redis_url = redis_url_or_skip()
    var = tmp_path_factory.mktemp("replica-var")
    env = portal_env(cluster.url(), var)
    manage("migrate", "-v0", env=env)
    manage("load_demo_city", "--quiet-logins", "-v0", env=env)
    keys = {
        "app": manage("create_api_client", f"app {uuid.uuid4().hex[:6]}", env=env).strip(),
        "dispatcher": manage("create_staff_token", "dispatcher", env=env).strip(),
    }
    server = Gunicorn(
        port=free_port(8181),
        workers=2,
        log=var / "gunicorn.log",
        env=portal_env(
            cluster.url(),
            var,
            DATABASE_REPLICA_URL=cluster.url("replica"),
            REPLICA_PIN_SECONDS=str(PIN_SECONDS),
            REPLICA_CHECK_SECONDS="0",
            REPLICA_MAX_LAG_SECONDS=str(MAX_LAG_SECONDS),
            REDIS_CACHE_URL=redis_url,  # the API clients' pins, shared by both workers
        ),
    ).start()
    yield server, keys
    server.stop()


def sql(url: str, query: str, params=()):
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchone() if cursor.description else None


def caught_up(cluster, timeout: float = 30) -> None:
    # The insert position: with synchronous_commit off, a commit may not be written yet.
    (lsn,) = sql(cluster.url(), "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (done,) = sql(
            cluster.url("replica"), "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
        )
        if done:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


class Paused:
    """The replica receives WAL but does not apply it: from now on it lags."""

    def __init__(self, cluster):
        self.cluster = cluster

    def __enter__(self):
        # A fresh commit replayed just before the pause: the lag counts from now.
        sql(self.cluster.url(), "CREATE TABLE IF NOT EXISTS lag_mark (at timestamptz)")
        sql(self.cluster.url(), "INSERT INTO lag_mark VALUES (now())")
        caught_up(self.cluster)
        replica = self.cluster.url("replica")
        sql(replica, "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30  # the pause is only requested until replay stops
        while sql(replica, "SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
            assert time.monotonic() < deadline, "the replica's replay did not pause"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        sql(self.cluster.url("replica"), "SELECT pg_wal_replay_resume()")
        caught_up(self.cluster)

    def lag(self) -> float:
        return float(
            sql(
                self.cluster.url("replica"),
                "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
            )[0]
        )


def api(server, key):
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Token {key}"}, timeout=30)


def numbers_listed(http) -> set[str]:
    response = http.get("/api/v1/tickets/", params={"page_size": 200})
    assert response.status_code == 200, response.text
    return {item["number"] for item in response.json()["results"]}


def submit(http) -> str:
    response = http.post("/api/v1/tickets/", json=TICKET)
    assert response.status_code == 201, response.text
    return response.json()["number"]


def test_an_api_client_reads_its_own_new_ticket_while_the_replica_lags(cluster, portal):
    server, keys = portal
    with api(server, keys["app"]) as app, api(server, keys["dispatcher"]) as dispatcher:
        with Paused(cluster):
            number = submit(app)
            # The client that wrote is pinned to the primary: its list has the ticket.
            assert number in numbers_listed(app)
            # Others read the list from the replica, which has not replayed it yet...
            assert number not in numbers_listed(dispatcher)
            # ...but a ticket's own page always comes from the primary.
            assert dispatcher.get(f"/api/v1/tickets/{number}/").status_code == 200
        # Replayed: the replica has it now.
        assert number in numbers_listed(dispatcher)


def test_the_pin_ends_and_the_writer_reads_from_the_replica_again(cluster, portal):
    server, keys = portal
    with api(server, keys["app"]) as app:
        with Paused(cluster):
            first = submit(app)
            assert first in numbers_listed(app)
        time.sleep(PIN_SECONDS + 0.5)
        with Paused(cluster):
            # Written behind the client's back (a colleague, another system): the client's
            # reads are no longer pinned, so it does not see it until the replica replays.
            with psycopg.connect(cluster.url(), autocommit=True) as conn:
                conn.execute(
                    "UPDATE tickets_ticket SET number = number || 'x' WHERE number = %s", [first]
                )
            listed = numbers_listed(app)
            assert first in listed and f"{first}x" not in listed
        assert f"{first}x" in numbers_listed(app)


def test_a_replica_further_behind_than_allowed_is_bypassed(cluster, portal):
    server, keys = portal
    with (
        api(server, keys["app"]) as app,
        api(server, keys["dispatcher"]) as dispatcher,
        Paused(cluster) as paused,
    ):
        number = submit(app)
        assert number not in numbers_listed(dispatcher)
        while paused.lag() <= MAX_LAG_SECONDS + 0.5:
            time.sleep(0.25)
        # Too far behind: the primary answers, current if slower.
        assert number in numbers_listed(dispatcher)


def log_in(browser) -> None:
    page = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = browser.post(
        "/admin/login/",
        data={
            "username": "dispatcher",
            "password": "demo-12345",
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302, response.text[:500]
    assert "primary_until" in response.headers.get("set-cookie", "")


def exported(browser) -> str:
    response = browser.get("/admin/tickets/ticket/export.csv")
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_a_browser_that_posted_reads_the_export_from_the_primary(cluster, portal):
    server, keys = portal
    with (
        httpx.Client(base_url=server.url, timeout=60) as earlier,
        httpx.Client(base_url=server.url, timeout=60) as now,
        api(server, keys["app"]) as app,
    ):
        log_in(earlier)
        time.sleep(PIN_SECONDS + 0.5)  # that login's pin has run out
        with Paused(cluster):
            number = submit(app)
            assert number not in exported(earlier)  # streamed from the replica
            log_in(now)  # a write (POST): this browser reads from the primary for a while
            assert number in exported(now)
