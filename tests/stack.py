"""Real processes for the deployment and fault tests: a Redis of the test's own, gunicorn, the
outbox relay (the Celery worker is `tests.tickets.celery_worker.Worker`).

A fault test stops, kills, freezes (SIGSTOP) and restarts only the processes it started here,
each on a port the kernel hands out, never the machine's shared Redis. The processes read
pytest-django's PostgreSQL test database, so those tests commit their data
(`django_db(transaction=True)`).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.tickets.celery_worker import worker_database_url

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_or_skip() -> str:
    """The redis-server binary; its absence skips the test, or fails it with CI=true."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs {reason}")
        pytest.skip(reason)
    return binary


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout} s")


class RedisServer:
    """redis-server on a free port, data in `directory` (append-only file: what was queued when
    it stopped is there when it starts again, as a production broker should be configured)."""

    def __init__(self, directory: Path):
        self.binary = redis_server_or_skip()
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None
        self.frozen = False

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        command = [
            self.binary,
            "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            wait_for(self.answers, timeout=10, message=f"redis-server on {self.port} did not start")
        except AssertionError:
            self.close()
            raise
        return self

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Shut down (SIGTERM): connections are refused until `start`."""
        self.thaw()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel, nothing is ever answered."""
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False

    def close(self) -> None:
        self.thaw()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def stack_env(redis: RedisServer, tmp: Path, **extra) -> dict:
    """The environment of the portal's processes: this test's database and Redis (broker db 0,
    cache and rate counters db 1), SMS into files, quick relay rounds."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": worker_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis.url(0),
        "REDIS_CACHE_URL": redis.url(1),
        "PORTAL_VAR_DIR": str(tmp / "var"),
        "SMS_BACKEND": "tests.tickets.recording_sms.RecordingSMSBackend",
        "SMS_FILE_DIR": str(tmp / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "OUTBOX_RELAY_SECONDS": "0.5",
        "PORTAL_API_KEY_CACHE_SECONDS": "30",
        **extra,
    }


class Process:
    """A long-running command in its own process group, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path):
        self.name, self.command, self.env = name, command, env
        self.log = log_dir / f"{name}.log"
        self.process = None

    def start(self) -> "Process":
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def logs(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Web(Process):
    """gunicorn with the production configuration (deploy/gunicorn.conf.py) on a free port."""

    def __init__(self, env: dict, log_dir: Path, *, workers: int = 2, timeout: int = 30):
        self.port = free_port()
        env = {
            **env,
            "PORTAL_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "WEB_TIMEOUT": str(timeout),
        }
        command = [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "portal.wsgi"]
        super().__init__("web", command, env, log_dir)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "Web":
        super().start()

        def up():
            if not self.alive():
                raise AssertionError(f"gunicorn exited:\n{self.logs()}")
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=5)
                return True
            except OSError:
                return False

        try:
            wait_for(
                up, timeout=60, interval=0.2, message=f"gunicorn did not start:\n{self.logs()}"
            )
        except AssertionError:
            self.stop()
            raise
        return self


class Relay(Process):
    """The outbox relay process (`manage.py relay_outbox`); `start` waits for its first round."""

    def __init__(self, env: dict, log_dir: Path):
        super().__init__("relay", [sys.executable, "manage.py", "relay_outbox"], env, log_dir)
        self.heartbeat = Path(env["PORTAL_VAR_DIR"]) / "heartbeat" / "relay"

    def start(self) -> "Relay":
        self.heartbeat.unlink(missing_ok=True)
        super().start()
        try:
            wait_for(
                self.heartbeat.exists,
                timeout=60,
                message=f"the relay did not start:\n{self.logs()}",
            )
        except AssertionError:
            self.stop()
            raise
        return self


def collect_static(directory: Path) -> Path:
    """`collectstatic` into `directory` (DEBUG is off in these processes: pages need it)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_STATIC_ROOT": str(directory),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return directory
