"""Intake while Redis is down or hung (issue 13, faults 2 and 3), in real processes.

gunicorn (the production configuration) uses a Redis of the test's own for its cache, the API's
rate counters and the broker. The test stops that Redis (connections refused) or freezes it
(SIGSTOP: connections accepted, nothing ever answered), then creates demands through the API,
Open311 and the residents' form and opens the home page, as users would. Every one is answered
and stored; only the hand-off of their notices to the broker is left to the relay, which delivers
each exactly once when Redis is back.
"""

import re
import time

import httpx
import pytest

from clients.services import api_client_create
from tests.stack import RedisServer, Relay, Web, stack_env, wait_for
from tests.tickets import recording_sms
from tests.tickets.celery_worker import Worker
from tickets.models import Notification, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WEB_TIMEOUT = 10  # gunicorn kills a worker whose request takes longer (a 502 behind nginx)


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.close()


@pytest.fixture
def web(redis, tmp_path, collected_static):
    env = stack_env(
        redis, tmp_path, DJANGO_STATIC_ROOT=str(collected_static), PORTAL_RATE_SUBMIT="100/h"
    )
    server = Web(env, tmp_path, timeout=WEB_TIMEOUT).start()
    yield server
    server.stop()


class Resident:
    """Creates demands through each channel; records what each answer was and how long it took."""

    def __init__(self, web: Web, key: str, body: dict, form: dict):
        self.http = httpx.Client(base_url=web.url(), timeout=WEB_TIMEOUT + 5)
        self.key, self.body, self.form = key, body, form
        self.answers = []  # (what, status, seconds)

    def _timed(self, what, send):
        started = time.monotonic()
        response = send()
        self.answers.append((what, response.status_code, time.monotonic() - started))
        return response

    def api(self):
        return self._timed(
            "api",
            lambda: self.http.post(
                "/api/v1/tickets/", json=self.body, headers={"Authorization": f"Token {self.key}"}
            ),
        )

    def open311(self):
        data = {
            "api_key": self.key,
            "service_code": self.body["category"],
            "address_string": "北京市朝阳区和平街街道胜古南社区胜古南里12号楼",
            "phone": "13812345678",
            "description": "楼牌号缺失，外卖骑手找不到12号楼。",
        }
        return self._timed(
            "open311", lambda: self.http.post("/open311/v2/requests.json", data=data)
        )

    def site(self):
        self.http.get("/submit/")  # the form, and its CSRF cookie
        data = {**self.form, "csrfmiddlewaretoken": self.http.cookies["csrftoken"]}
        return self._timed("site", lambda: self.http.post("/submit/", data=data))

    def home(self):
        return self._timed("home", lambda: self.http.get("/"))

    def every_channel(self):
        self.api(), self.open311(), self.site(), self.home()

    def created(self, since: int = 0) -> int:
        return sum(1 for _what, status, _s in self.answers[since:] if status in (201, 302))


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_intake_goes_on_while_redis_is_down_or_hung_and_every_notice_follows_once(
    fault, redis, web, tmp_path, city, category, final_post
):
    _client, key = api_client_create(name="district app", rate_limit="1000/min")
    body = {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "楼牌号缺失，外卖骑手找不到12号楼。",
        "address": "胜古南里12号楼",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
    }
    resident = Resident(web, key, body, final_post())
    assert resident.api().status_code == 201  # Redis up: the key is cached there, pools open
    before = set(Ticket.objects.values_list("pk", flat=True))

    redis.stop() if fault == "down" else redis.freeze()
    for _round in range(3):  # about 6 s: past the processes' 5 s of leaving Redis alone
        resident.every_channel()
        time.sleep(1)
    health = resident.http.get("/healthz")
    redis.start() if fault == "down" else redis.thaw()

    # What the users saw: every demand taken, every page shown, none slow.
    statuses = {(what, status) for what, status, _s in resident.answers[1:]}
    assert statuses == {("api", 201), ("open311", 201), ("site", 302), ("home", 200)}
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    slowest = max(seconds for _w, _s, seconds in resident.answers)
    print(f"\nRedis {fault}: slowest answer {slowest:.2f} s")
    # A hung Redis costs each process at most one wait per bounded call and interval (about
    # 1 s), never the 30–40 s it took when calls had no timeout; 5 s leaves room for a busy CI.
    assert slowest < 5 and "WORKER TIMEOUT" not in web.logs()
    # Stored exactly when answered: no ticket behind an error, none lost behind a success.
    created = Ticket.objects.exclude(pk__in=before)
    assert created.count() == resident.created(since=1) == 9
    notices = Notification.objects.filter(ticket__in=created)
    assert notices.count() == 9
    # Only the hand-off waited, owed to the relay; and the log says what happened.
    assert set(notices.values_list("status", "next_attempt_at")) == {("pending", None)}
    logs = web.logs()
    assert "cache: Redis did not answer" in logs and "rate limits count per process" in logs
    assert "counting in this process's memory" in logs
    assert "outbox: could not enqueue" in logs

    # Redis is back: the relay hands the owed notices to the worker, each is sent once.
    worker = Worker(
        redis_url=redis.url(0), queue="celery", sms_dir=tmp_path / "sms", log_dir=tmp_path
    )
    relay_process = Relay(web.env, tmp_path).start()
    try:
        worker.start()
        wait_for(
            lambda: not notices.exclude(status="sent").exists(),
            timeout=60,
            interval=0.5,
            message=worker.logs() + relay_process.logs(),
        )
    finally:
        relay_process.stop()
        worker.stop()
    keys = [n.idempotency_key for n in notices]
    accepted = recording_sms.accepted(tmp_path / "sms")
    assert sorted(k for k in accepted if k in keys) == sorted(keys)
    assert re.search(r"relay: handed \d+ deliveries to the broker", relay_process.logs())
