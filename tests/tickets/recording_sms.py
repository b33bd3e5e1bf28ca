"""An SMS backend for tests that records every call and honours idempotency keys like a gateway.

It runs inside the real Celery worker process (SMS_BACKEND=tests.tickets.recording_sms....), so it
keeps its state in files under SMS_FILE_DIR:
- `calls.log`: one line per call (the key), duplicates included;
- `<key>.json`: the message, created once per key (FileSMSBackend): a repeated key is accepted
  and not sent again;
- `accepted.log`: one line per message actually sent (a new key);
- `fail_plan.json` (written by the test): {key: n} fails the first n calls with that key.
`RECORDING_SMS_DELAY` (seconds) slows each call after the message was taken, so a test can kill
the worker between sending and recording.
"""

import json
import os
import time
from pathlib import Path

from tickets.notify import DeliveryError, FileSMSBackend


class RecordingSMSBackend(FileSMSBackend):
    def send(self, *, to, text, key):
        directory = Path(self.options["directory"])
        directory.mkdir(parents=True, exist_ok=True)
        _append(directory / "calls.log", key)
        plan_file = directory / "fail_plan.json"
        if plan_file.exists():
            failures = json.loads(plan_file.read_text()).get(key, 0)
            if calls(directory).count(key) <= failures:
                raise DeliveryError("gateway busy (planned test failure)")
        if super().send(to=to, text=text, key=key):
            _append(directory / "accepted.log", key)
        # A slow answer after the message was taken: a worker killed now has sent the SMS but
        # not recorded it, the window the idempotency key is for.
        time.sleep(float(os.environ.get("RECORDING_SMS_DELAY", "0")))


def _append(path: Path, line: str) -> None:
    # One write of a short line with O_APPEND: lines from several processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def calls(directory) -> list[str]:
    return _lines(Path(directory) / "calls.log")


def accepted(directory) -> list[str]:
    return _lines(Path(directory) / "accepted.log")


def delivered(directory) -> dict[str, dict]:
    """key → the message stored for it."""
    return {
        path.stem: json.loads(path.read_text())
        for path in Path(directory).glob("*.json")
        if path.name != "fail_plan.json"
    }
