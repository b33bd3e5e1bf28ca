"""Celery tasks of the clients app: thin wrappers."""

from celery import shared_task

from . import idempotency


@shared_task(ignore_result=True)
def expire_idempotency_records() -> int:
    """Beat, hourly: forget the Idempotency-Key answers past their window."""
    return idempotency.expire()
