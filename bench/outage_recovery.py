"""Benchmark: a broker outage at peak intake, and how long the notices take to catch up (issue 13).

Starts, each on a free port and all of its own: redis-server (broker, cache and rate counters;
append-only file, as production should run it), gunicorn (2 workers, the production
configuration), a Celery worker and the outbox relay, against PostgreSQL (a database of its own
with the demo city, created if missing). A client sends `POST /api/v1/tickets/` at a steady
`--rate` per second for the whole run; after `--before` seconds Redis is stopped for `--outage`
seconds, then started again while intake goes on at the same rate. Each ticket has one notice
(the resident's submission SMS, to files).

Prints: the creates answered during the outage (status codes, latency), the notices owed when
the broker came back, the recovery (seconds from the broker's return until every notice of the
outage was sent, and until nothing older than 5 s was pending: caught up), the relay's and the
worker's rates during the catch-up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \
        bench/outage_recovery.py [--rate 20] [--before 10] [--outage 30] [--after 60] \
        [--concurrency 2] [--database portal_outage_bench]
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off (settings)

from api_create import BODY, client_key, prepare_database  # noqa: E402


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not happen within {timeout} s")


class Redis:
    def __init__(self, directory: Path):
        self.port, self.directory, self.process = free_port(), directory, None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--save", "", "--appendonly", "yes",
             "--logfile", str(self.directory / "redis.log")],
        )  # fmt: skip
        wait(self.answers, 10, "redis-server start")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def spawn(command, env, log: Path):
    with open(log, "ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Intake:
    """Open-loop load: request i is sent at start + i / rate, whatever the answers."""

    def __init__(self, url: str, key: str, rate: float):
        self.url, self.key, self.rate = url, key, rate
        self.results = []  # (sent at (wall clock), status, seconds)
        self.stopping = threading.Event()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=32)

    def _one(self, n: int):
        body = {**BODY, "contact_phone": f"138{n % 100000000:08d}"}
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Token {self.key}", "Content-Type": "application/json"},
        )
        sent, started = time.time(), time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0  # no answer at all
        self.results.append((sent, status, time.monotonic() - started))

    def run(self):
        start, n = time.monotonic(), 0
        while not self.stopping.is_set():
            due = start + n / self.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.pool.submit(self._one, n)
            n += 1

    def stop(self, thread: threading.Thread):
        self.stopping.set()
        thread.join()
        self.pool.shutdown(wait=True)


def percentile(values, share):
    values = sorted(values)
    return values[min(int(len(values) * share), len(values) - 1)] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_outage_bench")
    parser.add_argument("--rate", type=float, default=20.0, help="creates per second")
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--after", type=float, default=60.0, help="intake after the outage")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres") or not shutil.which("redis-server"):
        print("Needs DATABASE_URL=postgres://… and redis-server on the PATH.")
        return 2
    url = prepare_database(server_url, args.database)
    key = client_key(url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bench.api.settings")
    import django

    django.setup()

    from tickets.models import Notification

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        redis = Redis(tmp)
        redis.start()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
            "REDIS_CACHE_URL": f"redis://127.0.0.1:{redis.port}/1",
            "PORTAL_VAR_DIR": str(tmp / "var"),
            "SMS_BACKEND": "tickets.notify.FileSMSBackend",
            "SMS_FILE_DIR": str(tmp / "sms"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PORTAL_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
        }
        bin_dir = Path(sys.executable).parent
        processes = [
            # The API only: the benchmark's settings need no collected static files.
            spawn([str(bin_dir / "gunicorn"), "--config", "deploy/gunicorn.conf.py",
                   "portal.wsgi"], {**env, "DJANGO_SETTINGS_MODULE": "bench.api.settings"},
                  tmp / "web.log"),
            spawn([str(bin_dir / "celery"), "-A", "portal", "worker", "--loglevel=INFO",
                   f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle",
                   "--without-heartbeat"], env, tmp / "worker.log"),
            spawn([sys.executable, "manage.py", "relay_outbox"], env, tmp / "relay.log"),
        ]  # fmt: skip
        try:
            wait(lambda: b" ready." in (tmp / "worker.log").read_bytes(), 60, "worker start")
            wait(lambda: (tmp / "var" / "heartbeat" / "relay").exists(), 60, "relay start")
            intake = Intake(f"http://127.0.0.1:{port}/api/v1/tickets/", key, args.rate)
            started = datetime.datetime.now(datetime.UTC)
            thread = threading.Thread(target=intake.run)
            thread.start()
            time.sleep(args.before)
            down = time.time()
            redis.stop()
            time.sleep(args.outage)
            redis.start()
            back = time.time()
            time.sleep(args.after)
            intake.stop(thread)
            stopped = time.time()
            # Let everything drain, then read what happened.
            pending = Notification.objects.filter(created_at__gte=started).exclude(status="sent")
            wait(lambda: not pending.exists(), 600, "the last notice")
        finally:
            for process in processes:
                stop(process)
            redis.process.poll() is None and redis.stop()
        relay_log = (tmp / "relay.log").read_text()
        worker_log = (tmp / "worker.log").read_text()

    def at(seconds):
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC)

    rows = Notification.objects.filter(created_at__gte=started)
    during = rows.filter(created_at__gte=at(down), created_at__lt=at(back))
    sent_after = sorted(
        sent.timestamp() - back for sent in during.values_list("sent_at", flat=True)
    )
    last_of_outage = back + sent_after[-1]
    # Caught up: from then on every notice went out within 5 s of being written.
    lag = sorted(
        (created.timestamp(), sent.timestamp())
        for created, sent in rows.filter(created_at__gte=at(back)).values_list(
            "created_at", "sent_at"
        )
    )
    caught_up = back
    for created, sent in lag:
        if sent - created > 5:
            caught_up = max(caught_up, sent)
    answered = [(s, status, d) for s, status, d in intake.results if down <= s < back]
    codes = {}
    for _s, status, _d in answered:
        codes[status] = codes.get(status, 0) + 1
    latencies = [d for _s, _st, d in answered]
    # The processes log local time (Django sets TZ to Asia/Shanghai, here too).
    offset = time.localtime(back).tm_gmtoff
    handed = sum(int(line.split("handed ")[1].split()[0]) for line in relay_log.splitlines()
                 if "relay: handed" in line)  # fmt: skip
    sent_in_catch_up = rows.filter(sent_at__gte=at(back), sent_at__lte=at(caught_up)).count()
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"\n## Broker outage at {args.rate:g} creates/s ({now})\n")
    print(
        f"- outage: {back - down:.1f} s; creates sent meanwhile: {len(answered)}, "
        f"answered {dict(sorted(codes.items()))}, latency p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 "
        f"{percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(f"- notices written during the outage: {during.count()} (all stored, owed to the relay)")
    print(
        f"- sent after the broker returned: half within {percentile(sent_after, 0.5):.1f} s, 99% "
        f"within {percentile(sent_after, 0.99):.1f} s, every one within "
        f"{last_of_outage - back:.1f} s ({(last_of_outage - back) / (back - down):.2f} × the "
        f"outage)"
    )
    print(
        f"- caught up (no notice waiting > 5 s) {caught_up - back:.1f} s after the return; "
        f"{sent_in_catch_up} notices sent in that time "
        f"({sent_in_catch_up / max(caught_up - back, 0.001):.0f}/s) while intake went on"
    )

    def logged_at(line: str) -> float:
        moment = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
        return moment.replace(tzinfo=datetime.UTC).timestamp() - offset

    handoffs = [
        (logged_at(line), int(line.split("handed ")[1].split()[0]))
        for line in relay_log.splitlines()
        if "relay: handed" in line
    ]
    after_return = [(moment, count) for moment, count in handoffs if moment >= back - 1]
    if after_return:
        first_round = after_return[0]
        print(
            f"- relay: {handed} deliveries handed to the broker in the run; its first round after "
            f"the return handed {first_round[1]} of them {first_round[0] - back:.1f} s after it"
        )
    reconnected = [
        datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
        .replace(tzinfo=datetime.UTC)
        .timestamp()
        - offset
        for line in worker_log.splitlines()
        if "Connected to" in line and line[:4].isdigit()
    ]
    after = [moment - back for moment in reconnected if moment >= down]
    print(
        f"- the worker reconnected {after[0] if after else float('nan'):.1f} s after the return "
        f"(Celery retries after 2, 4, 6 … s, at most 30 s apart); "
        f"{worker_log.count('Unrecoverable error')} unrecoverable errors"
    )
    print(
        f"- whole run: {rows.count()} notices, all sent; intake stopped "
        f"{stopped - back:.0f} s after the return"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
