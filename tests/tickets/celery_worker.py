"""A real Celery worker process on Redis, for the tests that need one (not `task_always_eager`).

The worker reads pytest-django's PostgreSQL test database (so those tests commit their data:
`transactional_db`) and consumes a queue of its own, so a shared Redis database is safe.
Redis comes from REDIS_URL (CI sets it); when nothing answers the tests are skipped with the
reason, and with CI=true they fail instead.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    import redis

    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping()
    except Exception as error:
        reason = f"no Redis answers at {url} ({error}); set REDIS_URL"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs Redis for the worker tests: {reason}")
        pytest.skip(reason)
    return url


def forget_queue(redis_url: str, queue: str) -> None:
    """Remove what kombu keeps in Redis for a test's own queue (bindings, leftover messages)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for key in client.scan_iter(match="_kombu.binding*"):  # the exchange's tables name it too
        kind = client.type(key)
        if kind == b"set":
            members, remove = client.smembers(key), client.srem
        elif kind == b"zset":
            members, remove = client.zrange(key, 0, -1), client.zrem
        else:
            continue
        stale = [m for m in members if queue.encode() in m]
        if stale:
            remove(key, *stale)


def worker_database_url() -> str:
    """pytest-django's test database, as a URL for the worker's DATABASE_URL."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def broker(url: str, queue: str):
    """Point this process's Celery app at `url` and `queue` (it caches pools and queues)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_default_queue, conf.broker_transport_options
    conf.update(broker_url=url, task_default_queue=queue, broker_transport_options={})
    _reset_app()
    try:
        yield
    finally:
        conf.update(
            broker_url=saved[0], task_default_queue=saved[1], broker_transport_options=saved[2]
        )
        _reset_app()


def _reset_app():
    # Forget, not close: kombu keeps its pools per broker URL and hands them out again.
    celery_app._pool = None
    amqp = celery_app.amqp
    amqp._producer_pool = None
    for cached in ("queues", "default_queue", "router", "routes", "_event_dispatcher"):
        amqp.__dict__.pop(cached, None)


class Worker:
    """`celery worker` in its own process group, logging to a file."""

    def __init__(self, *, redis_url: str, queue: str, sms_dir: Path, log_dir: Path, env=None):
        self.queue = queue
        self.log_dir = log_dir
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": worker_database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            # Redeliver a dead worker's messages within seconds, not the production hour.
            "CELERY_BROKER_TRANSPORT_OPTIONS": (
                '{"visibility_timeout": 5, "unacked_restore_interval": 1,'
                ' "unacked_restore_throttle": 1}'
            ),
            "SMS_BACKEND": "tests.tickets.recording_sms.RecordingSMSBackend",
            "SMS_FILE_DIR": str(sms_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "NOTIFY_RETRY_BASE_SECONDS": "0.5",
            "PORTAL_VAR_DIR": str(log_dir / "var"),
            **(env or {}),
        }
        self.process = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        self.starts += 1
        self.log = self.log_dir / f"worker-{self.starts}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            self.queue,
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log.read_text()}")
            if b" ready." in self.log.read_bytes():
                return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"worker not ready after {timeout} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children): a crash, no cleanup."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("worker-*.log")))


def wait_until(predicate, *, timeout: float, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout} s")
