"""The 12345 civic portal project package."""

from .celery import app as celery_app

__all__ = ("celery_app",)
