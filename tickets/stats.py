"""The three rates (三率) and the counts the dashboard shows. SQL aggregation only.

Invariants (DESIGN.md §6):
- rates are computed over valid callbacks (the resident was reached); invalid callbacks and
  anonymous tickets (whose callbacks are always invalid) never count;
- response = contacted / valid; resolution = solved / valid;
  satisfaction = (satisfied + BASICALLY_FACTOR × basically satisfied) / valid;
  composite = the weighted sum below; with no valid callback every rate is None, not 0.
The weights are the defaults; evaluation schemes per period and unit kind come with analytics.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Callback
from .workflow import Status

BASICALLY_FACTOR = 0.9
WEIGHTS = {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}

# Named n_* so they never shadow the Callback fields they count.
RATE_AGGREGATES = {
    "n_valid": Count("pk", filter=Q(valid=True)),
    "n_contacted": Count("pk", filter=Q(valid=True, contacted=True)),
    "n_solved": Count("pk", filter=Q(valid=True, solved=True)),
    "n_satisfied": Count("pk", filter=Q(valid=True, satisfaction=Callback.Satisfaction.SATISFIED)),
    "n_basically": Count(
        "pk", filter=Q(valid=True, satisfaction=Callback.Satisfaction.BASICALLY_SATISFIED)
    ),
}


@dataclass(frozen=True)
class Rates:
    valid: int
    response: float | None
    resolution: float | None
    satisfaction: float | None

    def percentages(self) -> dict[str, str]:
        """Each rate as a percentage with one decimal, or an em dash without callbacks."""
        names = ("response", "resolution", "satisfaction", "composite")
        return {
            name: "—" if getattr(self, name) is None else f"{getattr(self, name) * 100:.1f}%"
            for name in names
        }

    @property
    def composite(self) -> float | None:
        if not self.valid:
            return None
        return sum(getattr(self, name) * weight for name, weight in WEIGHTS.items())


def rates_from(row: dict) -> Rates:
    """Rates from a row of RATE_AGGREGATES."""
    valid = row["n_valid"] or 0
    if not valid:
        return Rates(0, None, None, None)
    return Rates(
        valid=valid,
        response=row["n_contacted"] / valid,
        resolution=row["n_solved"] / valid,
        satisfaction=(row["n_satisfied"] + BASICALLY_FACTOR * row["n_basically"]) / valid,
    )


def rates(callbacks: QuerySet) -> Rates:
    return rates_from(callbacks.aggregate(**RATE_AGGREGATES))


def month_start(now=None):
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def rates_by_unit_kind(since, until=None) -> dict[str, Rates]:
    """This period's rates per unit kind (streets, bureaus, utilities ...)."""
    callbacks = Callback.objects.filter(recorded_at__gte=since, unit__isnull=False)
    if until is not None:
        callbacks = callbacks.filter(recorded_at__lt=until)
    rows = callbacks.values("unit__kind").annotate(**RATE_AGGREGATES).order_by("unit__kind")
    return {row["unit__kind"]: rates_from(row) for row in rows}


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
