"""The three rates per unit and month under an evaluation scheme; rankings, grades and trends.

Invariants (DESIGN.md §6):
- rates are over valid callbacks; a unit-month with none has no rates (None), never 0, and is
  listed after the ranked units;
- "with exclusions" subtracts the callbacks reviewers excluded for the reasons the scheme
  excludes; "all" counts every valid callback — both figures are always available;
- ranking is within one unit kind and one month, by composite score, highest first; equal
  scores share a rank and the next rank skips (1, 2, 2, 4);
- month-on-month change compares the same figure with the previous month.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from departments.models import Department
from tickets import stats

from .models import EvaluationScheme, UnitMonth
from .refresh import next_month, previous_month

PRECISION = 6  # scores are compared rounded, so 0.1 + 0.2 ties with 0.3


@dataclass(frozen=True)
class Scheme:
    """An evaluation scheme as the computations use it (`EvaluationScheme` rows, or defaults)."""

    weights: stats.Weights = stats.DEFAULT_WEIGHTS
    exclude_repeat: bool = True
    exclude_unreasonable: bool = True
    bands: tuple = (("A", 0.9), ("B", 0.8), ("C", 0.7), ("D", 0.0))
    name: str = "default"

    @classmethod
    def of(cls, scheme: EvaluationScheme | None) -> "Scheme":
        if scheme is None:
            return cls()
        return cls(
            weights=stats.Weights(
                response=float(scheme.weight_response),
                resolution=float(scheme.weight_resolution),
                satisfaction=float(scheme.weight_satisfaction),
                basically_factor=float(scheme.basically_factor),
            ),
            exclude_repeat=scheme.exclude_repeat,
            exclude_unreasonable=scheme.exclude_unreasonable,
            bands=tuple((g, float(t)) for g, t in scheme.bands),
            name=scheme.name,
        )

    def grade(self, score: float | None) -> str:
        if score is None:
            return ""
        for grade, threshold in self.bands:
            if round(score, PRECISION) >= threshold:
                return grade
        return self.bands[-1][0]

    def rates(self, counts: stats.Counts) -> dict:
        return asdict(counts.rates(self.weights))


def scheme_for(kind: str, month: date, schemes=None) -> Scheme:
    """The scheme in force for a unit kind in a month: the kind's own, else the general one.
    `schemes`: the rows to choose from, when the caller loaded them once for many months."""
    if schemes is None:
        schemes = EvaluationScheme.objects.filter(valid_from__lte=month, unit_kind__in=[kind, ""])
    candidates = [s for s in schemes if s.unit_kind in (kind, "") and s.valid_from <= month]
    chosen = max(candidates, key=lambda s: (s.unit_kind == kind, s.valid_from), default=None)
    return Scheme.of(chosen)


NAMES = ("valid", "contacted", "solved", "satisfied", "basically")


def figures(row: UnitMonth, scheme: Scheme, *, excluded: bool) -> stats.Counts:
    """A unit-month's counts, all valid callbacks or without the scheme's exclusions."""
    values = {name: getattr(row, name) for name in NAMES}
    if excluded:
        for reason, applies in (
            ("repeat", scheme.exclude_repeat),
            ("unreasonable", scheme.exclude_unreasonable),
        ):
            if applies:
                for name in NAMES:
                    values[name] -= getattr(row, f"{reason}_{name}")
    return stats.Counts(**values)


@dataclass
class Standing:
    unit: Department
    month: date
    valid: int
    rates: dict
    rates_all: dict
    rank: int | None = None
    grade: str = ""
    change: float | None = None  # composite, against the previous month
    on_time: dict = field(default_factory=dict)


def standings(kind: str, month: date, *, excluded: bool = True) -> list[Standing]:
    """Every unit of a kind in a month, ranked (units without valid callbacks last)."""
    scheme = scheme_for(kind, month)
    previous = previous_month(month)
    rows = {
        (row.unit_id, row.month): row
        for row in UnitMonth.objects.filter(
            unit_kind=kind, month__in=[month, previous]
        ).select_related("unit")
    }
    previous_scheme = scheme_for(kind, previous)
    result = []
    for (unit_id, row_month), row in rows.items():
        if row_month != month:
            continue
        counts = figures(row, scheme, excluded=excluded)
        standing = Standing(
            unit=row.unit,
            month=month,
            valid=counts.valid,
            rates=scheme.rates(counts),
            rates_all=scheme.rates(figures(row, scheme, excluded=False)),
            on_time=on_time(row),
        )
        before = rows.get((unit_id, previous))
        if before is not None and standing.rates["composite"] is not None:
            earlier = previous_scheme.rates(figures(before, previous_scheme, excluded=excluded))
            if earlier["composite"] is not None:
                standing.change = standing.rates["composite"] - earlier["composite"]
        standing.grade = scheme.grade(standing.rates["composite"])
        result.append(standing)
    return rank(result)


def rank(items: list[Standing]) -> list[Standing]:
    """Competition ranking by composite, highest first; unscored units after, unranked."""
    scored = [s for s in items if s.rates["composite"] is not None]
    unscored = [s for s in items if s.rates["composite"] is None]
    scored.sort(key=lambda s: (-round(s.rates["composite"], PRECISION), s.unit.name))
    previous, position = None, 0
    for index, standing in enumerate(scored, 1):
        score = round(standing.rates["composite"], PRECISION)
        if score != previous:
            position, previous = index, score
        standing.rank = position
    unscored.sort(key=lambda s: s.unit.name)
    return scored + unscored


def on_time(row: UnitMonth) -> dict:
    def share(part, whole):
        return part / whole if whole else None

    return {
        "dispatch": share(row.dispatched_on_time, row.dispatched),
        "response": share(row.contacted_on_time, row.dispatched - row.returned),
        "reply": share(row.replied_on_time, row.replied),
    }


def trend(unit: Department, last_month: date, months: int = 12, *, excluded: bool = True):
    """A unit's rates over the `months` months ending with `last_month` (oldest first)."""
    first = last_month
    for _ in range(months - 1):
        first = previous_month(first)
    rows = {
        r.month: r
        for r in UnitMonth.objects.filter(unit=unit, month__gte=first, month__lte=last_month)
    }
    schemes = list(EvaluationScheme.objects.filter(unit_kind__in=[unit.kind, ""]))
    series, month = [], first
    while month <= last_month:
        scheme = scheme_for(unit.kind, month, schemes)
        row = rows.get(month)
        counts = figures(row, scheme, excluded=excluded) if row else stats.Counts()
        rates = scheme.rates(counts)
        series.append(
            {
                "month": month,
                "valid": counts.valid,
                **rates,
                "grade": scheme.grade(rates["composite"]),
            }
        )
        month = next_month(month)
    return series


def latest_kind_rates(month: date) -> tuple[date, dict[str, stats.Rates]]:
    """`kind_rates` for `month`, or, while it has no valid callback yet (the first days of a
    month), for the month before: (the month shown, its rates). A fresh month never shows as
    "no data" while last month's figures exist."""
    rates = kind_rates(month)
    if not any(r.valid for r in rates.values()):
        previous = previous_month(month)
        earlier = kind_rates(previous)
        if any(r.valid for r in earlier.values()):
            return previous, earlier
    return month, rates


def kind_rates(month: date, *, excluded: bool = True) -> dict[str, stats.Rates]:
    """Each unit kind's rates for a month, over all its units' callbacks (the dashboard)."""
    totals: dict[str, dict] = {}
    schemes: dict[str, Scheme] = {}
    rows = list(EvaluationScheme.objects.filter(valid_from__lte=month))
    for row in UnitMonth.objects.filter(month=month):
        if row.unit_kind not in schemes:
            schemes[row.unit_kind] = scheme_for(row.unit_kind, month, rows)
        scheme = schemes[row.unit_kind]
        counts = figures(row, scheme, excluded=excluded)
        total = totals.setdefault(row.unit_kind, dict.fromkeys(NAMES, 0))
        for name in NAMES:
            total[name] += getattr(counts, name)
    return {
        kind: stats.Counts(**total).rates(schemes[kind].weights)
        for kind, total in sorted(totals.items())
    }
