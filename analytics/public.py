"""Public statistics (`/stats/`) and open data: aggregates only, located no finer than the
community, never a name, a number or an address (DESIGN.md §7)."""

import csv
import json
from datetime import date

from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from departments.models import Department

from . import evaluation
from .models import PlaceCategoryDay
from .refresh import month_of, previous_month

CACHE_SECONDS = 600


def _month(value: str | None) -> date:
    """A YYYY-MM from the query, else the last complete month."""
    if value:
        try:
            return date.fromisoformat(f"{value}-01")
        except ValueError:
            raise Http404 from None
    return previous_month(month_of(timezone.localdate()))


def intake_rows(month: date) -> list[dict]:
    """Tickets per community (or the finest known place) and leaf category for a month."""
    rows = (
        PlaceCategoryDay.objects.filter(month=month)
        .values(
            "district__name",
            "street__name",
            "region__name",
            "region__level",
            "category__name",
            "category__parent__name",
            "category__parent__parent__name",
        )
        .annotate(tickets=Sum("tickets"))
        .order_by("district__name", "street__name", "region__name", "category__name")
    )
    result = []
    for row in rows:
        community = row["region__name"] if row["region__level"] == 4 else ""
        result.append(
            {
                "month": f"{month:%Y-%m}",
                "district": row["district__name"],
                "street": row["street__name"] or "",
                "community": community,
                "category_1": row["category__parent__parent__name"],
                "category_2": row["category__parent__name"],
                "category_3": row["category__name"],
                "tickets": row["tickets"],
            }
        )
    return result


def street_rates(month: date) -> list[dict]:
    result = []
    for s in evaluation.standings(Department.Kind.STREET_OFFICE, month):
        rates = s.rates
        result.append(
            {
                "month": f"{month:%Y-%m}",
                "rank": s.rank,
                "unit": s.unit.name,
                "valid_callbacks": s.valid,
                **{k: None if v is None else round(v, 4) for k, v in rates.items()},
                "grade": s.grade,
            }
        )
    return result


@require_GET
@cache_page(CACHE_SECONDS)
def stats_page(request):
    month = _month(request.GET.get("month"))
    rows = intake_rows(month)
    by_category: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for row in rows:
        by_category[row["category_1"]] = by_category.get(row["category_1"], 0) + row["tickets"]
        by_district[row["district"]] = by_district.get(row["district"], 0) + row["tickets"]
    rates = street_rates(month)
    context = {
        "month": month,
        "total": sum(by_category.values()),
        "by_category": sorted(by_category.items(), key=lambda kv: -kv[1]),
        "by_district": sorted(by_district.items(), key=lambda kv: -kv[1]),
        "rates": rates,
        "ranked": [r for r in rates if r["rank"]],
    }
    return render(request, "analytics/public_stats.html", context)


DATASETS = {"intake": intake_rows, "street-rates": street_rates}


@require_GET
@cache_page(CACHE_SECONDS)
def open_data(request, dataset: str, month: str, fmt: str):
    if dataset not in DATASETS:
        raise Http404
    rows = DATASETS[dataset](_month(month))
    name = f"12345-{dataset}-{month}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps({"dataset": dataset, "month": month, "rows": rows}, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        if rows:
            writer = csv.DictWriter(response, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        else:
            response.write(_("No data for this month.") + "\n")
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return response
