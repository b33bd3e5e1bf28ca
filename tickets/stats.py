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
from django.utils.translation import gettext as _

from departments.names import in_language

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
# Counting a column of the index that holds the answers (callback_recorded, NOT NULL like the
# id), so that the index alone serves the month's rates; Django refuses COUNT(*) with a filter.
RATE_AGGREGATES = {f"n_{name}": Count("recorded_at", filter=q) for name, q in CONDITIONS.items()}


def counts_from(row: dict) -> Counts:
    """Counts from a row annotated with RATE_AGGREGATES."""
    return Counts(**{name: row[f"n_{name}"] or 0 for name in CONDITIONS})


def rates(callbacks: QuerySet, weights: Weights = DEFAULT_WEIGHTS) -> Rates:
    return counts_from(callbacks.aggregate(**RATE_AGGREGATES)).rates(weights)


def month_start(now=None):
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# -- counts over a scoped ticket queryset (the dashboard and /api/v1/stats/) -----------------


def open_by_status(tickets: QuerySet) -> dict[str, int]:
    """Open tickets per status (one GROUP BY over the open-tickets index)."""
    # COUNT(*): the open tickets' partial index (status, due_at) alone answers.
    rows = tickets.exclude(status=Status.CLOSED).values_list("status").annotate(n=Count("*"))
    return dict(rows.order_by("status"))


def overdue_by_unit(tickets: QuerySet, *, now=None, limit: int | None = 10) -> list[dict]:
    """Open tickets past their running deadline per lead unit, most first (unit None: not yet
    dispatched); every unit when `limit` is None."""
    rows = (
        tickets.exclude(status=Status.CLOSED)
        .filter(due_at__lt=now or timezone.now())
        .values("lead_unit__code", "lead_unit__name", "lead_unit__name_en")
        .annotate(count=Count("pk"))
        .order_by("-count", "lead_unit__code")[:limit]
    )
    return [
        {
            "unit": (
                {
                    "code": row["lead_unit__code"],
                    "name": row["lead_unit__name"],
                    "name_en": row["lead_unit__name_en"],
                }
                if row["lead_unit__code"]
                else None
            ),
            "count": row["count"],
        }
        for row in rows
    ]


def intake_by_day(tickets: QuerySet, *, days: int, by: str | None = None, now=None) -> list[dict]:
    """Tickets submitted per Beijing day (and per `by`, e.g. channel) over the last `days` days,
    today included: [{"date", by?, "count"}] in order."""
    today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    since = today - timedelta(days=days - 1)
    groups = ["date", by] if by else ["date"]
    return list(
        tickets.filter(submitted_at__gte=since)
        .annotate(date=TruncDate("submitted_at"))
        .values(*groups)
        # COUNT(*), not COUNT(id): without `by` the submission index alone answers (an
        # index-only scan), where counting ids reads every ticket of the month from the table.
        .annotate(count=Count("*"))
        .order_by(*groups)
    )


DASHBOARD_UNITS = 10  # units named in the dashboard's overdue chart; the rest are summed


def dashboard(tickets: QuerySet, *, now=None) -> dict:
    """The dashboard's figures over `tickets` (already scoped to the user). Each figure has one
    source: a card is the total of the chart beside it (intake today is the last day of the
    intake series; overdue is the sum of the overdue rows, which name the top units, then "other
    units", then tickets not yet dispatched), so the two can never disagree."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    month = month_start(now)
    open_tickets = tickets.exclude(status=Status.CLOSED)
    by_status = open_by_status(tickets)
    per_day = {row["date"]: row["count"] for row in intake_by_day(tickets, days=30, now=now)}
    days = [(today - timedelta(days=29 - i)).date() for i in range(30)]
    intake = [(day, per_day.get(day, 0)) for day in days]
    overdue = overdue_rows(overdue_by_unit(tickets, now=now, limit=None))
    return {
        "intake_today": intake[-1][1],
        "intake_month": tickets.filter(submitted_at__gte=month).count(),
        "open_by_status": [
            (status.label, by_status.get(status, 0)) for status in Status if status != Status.CLOSED
        ],
        "overdue_total": sum(n for _label, n in overdue),
        "overdue_by_unit": overdue,
        "callbacks_waiting": by_status.get(Status.REPLIED, 0),
        "callbacks_overdue": open_tickets.filter(status=Status.REPLIED, due_at__lt=now).count(),
        "intake_by_day": intake,
        "month": month,
    }


def overdue_rows(groups: list[dict]) -> list[tuple[str, int]]:
    """(label, count) for the dashboard: the top units by name, the rest as "other units", and
    the tickets without a lead unit (waiting at the hotline) last. The counts add up to all."""
    units = [g for g in groups if g["unit"] is not None]
    waiting = sum(g["count"] for g in groups if g["unit"] is None)
    rows = [
        (in_language(g["unit"]["name"], g["unit"]["name_en"]), g["count"])
        for g in units[:DASHBOARD_UNITS]
    ]
    others = sum(g["count"] for g in units[DASHBOARD_UNITS:])
    if others:
        rows.append((str(_("other units")), others))
    if waiting:
        rows.append((str(_("not yet dispatched (at the hotline)")), waiting))
    return rows
