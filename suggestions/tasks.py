"""Celery: the scheduled retraining (beat, `SUGGESTIONS_TRAIN_HOUR`), a thin wrapper around
`services.classifier_train`."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def train_classifier() -> int | None:
    """Train and store a new classifier version on the latest history; returns its version."""
    try:
        row = services.classifier_train()
    except services.NothingToLearn:
        log.warning("classifier not trained: fewer than two active leaf categories")
        return None
    log.info(
        "classifier v%s trained on %d tickets in %.1f s (top-1 %s, top-3 %s)",
        row.version,
        row.history_samples,
        row.training_seconds,
        "—" if row.top1 is None else f"{row.top1:.1%}",
        "—" if row.top3 is None else f"{row.top3:.1%}",
    )
    return row.version
