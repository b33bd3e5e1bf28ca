"""Heartbeat files: a long-running process touches its file every round; the health check
(`manage.py healthcheck`) calls it dead when the file is older than a few rounds.

Files live in `PORTAL_HEARTBEAT_DIR` (VAR_DIR/heartbeat): `beat` (the Celery beat scheduler,
portal.beat) and `relay` (the outbox relay, tickets.relay). A file on local disk is all a
supervisor or an orchestrator's probe needs, and it keeps working when the broker does not.
"""

import time
from pathlib import Path

from django.conf import settings


def path(name: str) -> Path:
    return Path(settings.PORTAL_HEARTBEAT_DIR) / name


def touch(name: str) -> None:
    file = path(name)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.touch()


def age(name: str) -> float | None:
    """Seconds since the last beat; None if there never was one."""
    try:
        return max(time.time() - path(name).stat().st_mtime, 0.0)
    except FileNotFoundError:
        return None
