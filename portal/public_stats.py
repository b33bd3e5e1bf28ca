"""The headline figures on the public home page: this month's intake and the three rates.

The rates follow DESIGN.md §6 over the valid callbacks recorded this month (Beijing time):
response = contacted / valid, resolution = solved / valid,
satisfaction = (satisfied + 0.9 × basically satisfied) / valid.
Two SQL aggregates compute them (no rows are read into Python); the result is cached for a few
minutes, since every visitor of the home page would otherwise repeat them. The detailed,
per-unit evaluation with its configurable scheme belongs to `tickets.stats` (analytics).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from tickets.models import Callback, Ticket
from tickets.sla import SHANGHAI

BASICALLY_SATISFIED_WEIGHT = Decimal("0.9")
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Headline:
    month_start: datetime
    intake: int
    valid_callbacks: int
    response_rate: Decimal | None  # a share between 0 and 1; None without valid callbacks
    resolution_rate: Decimal | None
    satisfaction_rate: Decimal | None

    @staticmethod
    def _percent(share: Decimal | None) -> Decimal | None:
        return None if share is None else (share * 100).quantize(Decimal("0.1"))

    @property
    def response_percent(self):
        return self._percent(self.response_rate)

    @property
    def resolution_percent(self):
        return self._percent(self.resolution_rate)

    @property
    def satisfaction_percent(self):
        return self._percent(self.satisfaction_rate)


def month_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def compute_headline(now: datetime) -> Headline:
    start = month_start(now)
    intake = Ticket.objects.filter(submitted_at__gte=start).count()
    counts = Callback.objects.filter(valid=True, recorded_at__gte=start).aggregate(
        valid=Count("pk"),
        contacted=Count("pk", filter=Q(contacted=True)),
        solved=Count("pk", filter=Q(solved=True)),
        satisfied=Count("pk", filter=Q(satisfaction=Callback.Satisfaction.SATISFIED)),
        basically=Count("pk", filter=Q(satisfaction=Callback.Satisfaction.BASICALLY_SATISFIED)),
    )
    valid = counts["valid"]

    def share(numerator) -> Decimal | None:
        return (Decimal(numerator) / valid).quantize(Decimal("0.0001")) if valid else None

    return Headline(
        month_start=start,
        intake=intake,
        valid_callbacks=valid,
        response_rate=share(counts["contacted"]),
        resolution_rate=share(counts["solved"]),
        satisfaction_rate=share(
            counts["satisfied"] + BASICALLY_SATISFIED_WEIGHT * counts["basically"]
        ),
    )


def headline(now: datetime | None = None) -> Headline:
    """This month's figures, computed at most once per CACHE_SECONDS."""
    now = now or timezone.now()
    key = f"portal:headline:{month_start(now):%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_headline(now)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
