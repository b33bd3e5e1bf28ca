"""The headline figures on the public home page: this month's intake and the three rates.

The rates follow DESIGN.md §6 over the valid callbacks recorded this month (Beijing time):
response = contacted / valid, resolution = solved / valid,
satisfaction = (satisfied + 0.9 × basically satisfied) / valid.
Two SQL aggregates compute them (`tickets.stats`, the same rates the dashboard shows); in the
first days of a month, before any callback of the month, the rates are last month's, labelled as
such (a third aggregate), so a fresh month never reads as "no data". The result is cached for a
few minutes, since every visitor of the home page would otherwise repeat
them. Per-unit evaluation with configurable schemes is in `analytics.evaluation`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from tickets import stats
from tickets.models import Callback, Ticket

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Headline:
    month_start: datetime
    rates_month_start: datetime  # month_start, or the month before while this one has none
    intake: int
    valid_callbacks: int
    response_rate: Decimal | None  # a share between 0 and 1; None without valid callbacks
    resolution_rate: Decimal | None
    satisfaction_rate: Decimal | None

    @staticmethod
    def _percent(share: Decimal | None) -> Decimal | None:
        return None if share is None else (share * 100).quantize(Decimal("0.1"))

    @property
    def rates_of_last_month(self) -> bool:
        return self.rates_month_start != self.month_start

    @property
    def response_percent(self):
        return self._percent(self.response_rate)

    @property
    def resolution_percent(self):
        return self._percent(self.resolution_rate)

    @property
    def satisfaction_percent(self):
        return self._percent(self.satisfaction_rate)


def compute_headline(now: datetime) -> Headline:
    start = stats.month_start(now)
    intake = Ticket.objects.filter(submitted_at__gte=start).count()
    rates = stats.rates(Callback.objects.filter(recorded_at__gte=start))
    rates_start = start
    if not rates.valid:
        previous = stats.month_start(start - timedelta(days=1))
        earlier = stats.rates(
            Callback.objects.filter(recorded_at__gte=previous, recorded_at__lt=start)
        )
        if earlier.valid:
            rates, rates_start = earlier, previous

    def share(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))

    return Headline(
        month_start=start,
        rates_month_start=rates_start,
        intake=intake,
        valid_callbacks=rates.valid,
        response_rate=share(rates.response),
        resolution_rate=share(rates.resolution),
        satisfaction_rate=share(rates.satisfaction),
    )


def headline(now: datetime | None = None) -> Headline:
    """This month's figures, computed at most once per CACHE_SECONDS."""
    now = now or timezone.now()
    key = f"portal:headline:{stats.month_start(now):%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_headline(now)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
