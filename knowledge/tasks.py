"""Celery tasks of the knowledge base: thin wrappers (see knowledge.sweeps)."""

import logging

from celery import shared_task

from . import sweeps

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def warn_expired_articles() -> int:
    created = sweeps.warn_expired_articles()
    if created:
        log.info("knowledge: %d warnings about expired articles", created)
    return created
