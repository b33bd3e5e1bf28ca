"""Keeping the summaries fresh: a beat-scheduled task drains the marked days."""

import logging

from celery import shared_task

from . import findings, refresh

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def refresh_statistics() -> int:
    """Recompute the days marked since the last run (and their months). Safe to run twice at
    once: each period is replaced whole in its own transaction."""
    days = refresh.refresh_dirty()
    if days:
        log.info("statistics refreshed for %d day(s)", days)
        findings.warm_findings()
    return days
