"""A real receiver process on this helper's ports, and shortcuts for the webhook tests."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

RECEIVER = Path(__file__).with_name("receiver.py")
# Ports reserved for these tests on a shared machine (WEBHOOK_TEST_PORT moves them).
BASE_PORT = int(os.environ.get("WEBHOOK_TEST_PORT", "8201"))


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Receiver:
    """`receiver.py` in its own process: start, stop (it is down), start again (it is back)."""

    def __init__(self, port: int, secret: str, log: Path, mode="ok", old_secret=""):
        self.port, self.secret, self.log = port, secret, log
        self.mode, self.old_secret = mode, old_secret
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/12345"

    def start(self, mode=None) -> "Receiver":
        self.mode = mode or self.mode
        command = [sys.executable, str(RECEIVER), str(self.port), self.secret, str(self.log)]
        command += ["--mode", self.mode]
        if self.old_secret:
            command += ["--old-secret", self.old_secret]
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 20
        while not _listening(self.port):
            assert self.process.poll() is None, "the receiver exited"
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
        deadline = time.monotonic() + 10
        while _listening(self.port):
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def received(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


@pytest.fixture
def receiver(tmp_path):
    """Makes receivers (not started) on successive ports; stops them all afterwards."""
    made = []

    def make(secret: str, **options) -> Receiver:
        one = Receiver(BASE_PORT + len(made), secret, tmp_path / f"received-{len(made)}.jsonl")
        for name, value in options.items():
            setattr(one, name, value)
        made.append(one)
        return one

    yield make
    for one in made:
        one.stop()


@pytest.fixture
def fast_retries(settings):
    """Seconds instead of minutes between attempts."""
    settings.PORTAL_WEBHOOK_RETRY_BASE = 0.2
    settings.PORTAL_WEBHOOK_RETRY_CAP = 0.5
    settings.PORTAL_WEBHOOK_TIMEOUT = 3
    return settings
