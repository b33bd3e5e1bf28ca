"""The three rates (三率) and the counts the dashboard shows. SQL aggregation only.

Invariants (DESIGN.md §6):
- rates are computed over valid callbacks (the resident was reached); invalid callbacks and
  anonymous tickets (whose callbacks are always invalid) never count;
- response = contacted / valid; resolution = solved / valid;
  satisfaction = (satisfied + basically_factor × basically satisfied) / valid;
  composite = the weighted sum (`Counts.rates`, the only copy of the formula);
  with no valid callback every rate is None, not 0.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Callback
from .workflow import Status


@dataclass(frozen=True)
class Weights:
    """How the three rates combine. DESIGN.md §6's defaults; evaluation schemes
    (`analytics.evaluation`) supply others per unit kind and month."""

    response: float = 0.1
    resolution: float = 0.5
    satisfaction: float = 0.4
    basically_factor: float = 0.9


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Rates:
    valid: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    composite: float | None

    def percentages(self) -> dict[str, str]:
        """Each rate as a percentage with one decimal, or an em dash without callbacks."""
        names = ("response", "resolution", "satisfaction", "composite")
        return {
            name: "—" if getattr(self, name) is None else f"{getattr(self, name) * 100:.1f}%"
            for name in names
        }


@dataclass(frozen=True)
class Counts:
    """Valid callbacks and how many said contacted / solved / satisfied / basically satisfied."""

    valid: int = 0
    contacted: int = 0
    solved: int = 0
    satisfied: int = 0
    basically: int = 0

    def rates(self, weights: Weights = DEFAULT_WEIGHTS) -> Rates:
        """The one place the formula lives."""
        if not self.valid:
            return Rates(0, None, None, None, None)
        response = self.contacted / self.valid
        resolution = self.solved / self.valid
        satisfaction = (self.satisfied + weights.basically_factor * self.basically) / self.valid
        composite = (
            weights.response * response
            + weights.resolution * resolution
            + weights.satisfaction * satisfaction
        )
        return Rates(self.valid, response, resolution, satisfaction, composite)


# Callback conditions per count; aggregates are named n_* so they never shadow the fields.
CONDITIONS = {
    "valid": Q(valid=True),
    "contacted": Q(valid=True, contacted=True),
    "solved": Q(valid=True, solved=True),
    "satisfied": Q(valid=True, satisfaction=Callback.Satisfaction.SATISFIED),
    "basically": Q(valid=True, satisfaction=Callback.Satisfaction.BASICALLY_SATISFIED),
}
RATE_AGGREGATES = {f"n_{name}": Count("pk", filter=q) for name, q in CONDITIONS.items()}


def counts_from(row: dict) -> Counts:
    """Counts from a row annotated with RATE_AGGREGATES."""
    return Counts(**{name: row[f"n_{name}"] or 0 for name in CONDITIONS})


def rates(callbacks: QuerySet, weights: Weights = DEFAULT_WEIGHTS) -> Rates:
    return counts_from(callbacks.aggregate(**RATE_AGGREGATES)).rates(weights)


def month_start(now=None):
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard(tickets: QuerySet, *, now=None) -> dict:
    """The dashboard's figures over `tickets` (already scoped to the user)."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    month = month_start(now)
    open_tickets = tickets.exclude(status=Status.CLOSED)
    by_status = dict(open_tickets.values_list("status").annotate(n=Count("pk")).order_by("status"))
    overdue = (
        open_tickets.filter(due_at__lt=now, lead_unit__isnull=False)
        .values("lead_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_unit__name")[:10]
    )
    since = today - timedelta(days=29)
    per_day = dict(
        tickets.filter(submitted_at__gte=since)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    days = [(since + timedelta(days=i)).date() for i in range(30)]
    return {
        "intake_today": tickets.filter(submitted_at__gte=today).count(),
        "intake_month": tickets.filter(submitted_at__gte=month).count(),
        "open_by_status": [
            (status.label, by_status.get(status, 0)) for status in Status if status != Status.CLOSED
        ],
        "overdue_total": open_tickets.filter(due_at__lt=now).count(),
        "overdue_by_unit": [(row["lead_unit__name"], row["n"]) for row in overdue],
        "callbacks_waiting": by_status.get(Status.REPLIED, 0),
        "callbacks_overdue": open_tickets.filter(status=Status.REPLIED, due_at__lt=now).count(),
        "intake_by_day": [(day.strftime("%m-%d"), per_day.get(day, 0)) for day in days],
        "month": month,
    }
