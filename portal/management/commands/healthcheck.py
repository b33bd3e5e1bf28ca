"""`python manage.py healthcheck web|worker|beat|relay`: exit 0 when the process is healthy.

For a supervisor's or an orchestrator's probe (README "Deployment"):
- web: GET /healthz on `--url` (default http://127.0.0.1:8000/healthz) answers 200; the request
  names the first of DJANGO_ALLOWED_HOSTS as its Host (`--host`), as the proxy would;
- worker: a Celery worker on this host answers `ping` through the broker (`celery inspect ping`);
- beat, relay: their heartbeat file (portal.heartbeat) is younger than `--max-age` seconds
  (beat wakes at least every 30 s, the relay every OUTBOX_RELAY_SECONDS).
"""

import socket
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import heartbeat
from portal.celery import app

MAX_AGE = {"beat": 120.0, "relay": 60.0}


class Command(BaseCommand):
    help = "Exit 0 if the given process is healthy, else print why and exit 1."

    def add_arguments(self, parser):
        parser.add_argument("process", choices=["web", "worker", "beat", "relay"])
        parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
        parser.add_argument("--host", help="Host header (default: the first allowed host)")
        parser.add_argument("--max-age", type=float, help="heartbeat age limit in seconds")
        parser.add_argument("--timeout", type=float, default=5.0)

    def handle(self, process, url, host, max_age, timeout, **options):
        if process == "web":
            problem = self._web(url, host or _first_allowed_host(), timeout)
        elif process == "worker":
            problem = self._worker(timeout)
        else:
            problem = self._heartbeat(process, max_age or MAX_AGE[process])
        if problem:
            raise CommandError(f"{process}: {problem}")
        self.stdout.write(f"{process}: ok")

    def _web(self, url, host, timeout):
        request = urllib.request.Request(url, headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return None if response.status == 200 else f"{url} answered {response.status}"
        except OSError as error:
            return f"{url}: {error}"

    def _worker(self, timeout):
        host = socket.gethostname()
        try:
            replies = app.control.ping(timeout=timeout)
        except Exception as error:
            return f"the broker did not answer: {error}"
        names = [name for reply in replies for name in reply if name.endswith(f"@{host}")]
        return None if names else f"no worker on {host} answered ping within {timeout:g} s"

    def _heartbeat(self, name, max_age):
        age = heartbeat.age(name)
        if age is None:
            return f"no heartbeat at {heartbeat.path(name)}"
        return None if age <= max_age else f"last heartbeat {age:.0f} s ago (limit {max_age:g} s)"


def _first_allowed_host() -> str | None:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in {"*", ""}]
    return hosts[0].lstrip(".") if hosts else None
