"""The classifier each process serves suggestions from: the newest active stored version, loaded
once per process and replaced when a newer one appears.

Every process (gunicorn workers, Celery workers, on any host) reads the same rows, so they all
converge on the same version: each checks for a newer one at most every
`SUGGESTIONS_MODEL_CHECK_SECONDS` (one indexed query for the latest id) and loads it when it
differs from the one it holds — a new training, or a version switched off in the admin to roll
back. Between checks a request costs no query. Loading happens under a lock, so the threads of
one process load a version once; requests in flight keep using the model they started with.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from .classifier import Classifier
from .models import ClassifierModel


@dataclass(frozen=True)
class Loaded:
    version: int
    trained_at: datetime
    classifier: Classifier


log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: Loaded | None = None
_checked_at = float("-inf")


def current() -> Loaded | None:
    """The model to suggest with, or None when none was trained yet."""
    global _loaded, _checked_at
    if time.monotonic() - _checked_at < settings.SUGGESTIONS_MODEL_CHECK_SECONDS:
        return _loaded
    with _lock:
        if time.monotonic() - _checked_at < settings.SUGGESTIONS_MODEL_CHECK_SECONDS:
            return _loaded  # another thread checked while this one waited
        latest = (
            ClassifierModel.objects.filter(is_active=True)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is None:
            if _loaded is not None or _checked_at == float("-inf"):
                log.warning("no classifier trained: run `manage.py train_classifier`")
            _loaded = None
        elif _loaded is None or _loaded.version != latest:
            row = ClassifierModel.objects.only("pk", "trained_at", "data").filter(pk=latest).first()
            if row is not None:  # (else pruned meanwhile: keep what we have until next check)
                _loaded = Loaded(row.pk, row.trained_at, Classifier.loads(row.data))
        _checked_at = time.monotonic()
        return _loaded


def forget() -> None:
    """Drop the loaded model: the next `current()` checks the database (after training in this
    process, and between tests)."""
    global _loaded, _checked_at
    with _lock:
        _loaded, _checked_at = None, float("-inf")
