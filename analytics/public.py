"""Public statistics (`/stats/`) and open data: aggregates only, located no finer than the
community, never a name, a number or an address (DESIGN.md §7).

Both read the summary tables (`analytics.refresh`) and are cached for `CACHE_SECONDS` under the
time the summaries were last replaced, so a refresh or a rebuild shows at once. A month whose
summaries are not built yet while it has tickets says so ("being prepared"), never "no data".
"""

import csv
import json
from datetime import date
from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from departments.models import Department, Region
from tickets import publication
from tickets.models import Category, Ticket

from . import evaluation
from .findings import category_ancestors
from .models import PlaceCategoryDay
from .months import parse_month
from .refresh import last_month, month_bounds, published_at, this_month

CACHE_SECONDS = 600


def cached_until_refresh(view):
    """`cache_page` keyed by when the summaries were last replaced (one small read)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        stamp = published_at()
        prefix = f"stats-{stamp.timestamp() if stamp else 0}"
        return cache_page(CACHE_SECONDS, key_prefix=prefix)(view)(request, *args, **kwargs)

    return wrapped


def _month(value: str | None) -> date:
    """A YYYY-MM from the query, else the last complete month; ValidationError for anything
    else (analytics.months says what is accepted)."""
    return parse_month(value) if value else last_month()


def intake_rows(month: date) -> list[dict]:
    """Tickets per community (or the finest known place) and leaf category for a month.

    Grouped by ids in SQL; names come from the small region and category tables.
    """
    rows = (
        PlaceCategoryDay.objects.filter(month=month)
        .values_list("district_id", "street_id", "region_id", "category_id")
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    regions = {
        pk: (name, level) for pk, name, level in Region.objects.values_list("pk", "name", "level")
    }
    categories = {c.pk: c for c in Category.objects.all()}
    rows = list(rows)
    # Where each row stands on a map: its place's centre (tickets.publication), not any point
    # a resident gave.
    points = publication.region_points({pk for row in rows for pk in row[:3] if pk is not None})

    def path(leaf_id):
        leaf = categories[leaf_id]
        middle = categories[leaf.parent_id]
        return categories[middle.parent_id].name, middle.name, leaf.name

    result = []
    for district, street, region, leaf, tickets in rows:
        name, level = regions[region]
        first, second, third = path(leaf)
        spot = points.get(region) or points.get(street) or points.get(district)
        result.append(
            {
                "month": f"{month:%Y-%m}",
                "district": regions[district][0],
                "street": regions[street][0] if street else "",
                "community": name if level == Region.Level.COMMUNITY else "",
                "lat": spot[0] if spot else None,
                "lon": spot[1] if spot else None,
                "category_1": first,
                "category_2": second,
                "category_3": third,
                "tickets": tickets,
            }
        )
    result.sort(key=lambda r: (r["district"], r["street"], r["community"], r["category_3"]))
    return result


def totals_by(month: date, column: str, names: dict) -> list[tuple[str, int]]:
    """(name, tickets) for one column of the place × category table, most first."""
    rows = (
        PlaceCategoryDay.objects.filter(month=month)
        .values_list(column)
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    totals: dict[str, int] = {}
    for key, tickets in rows:
        name = names[key]
        totals[name] = totals.get(name, 0) + tickets
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def street_rates(month: date, *, display: bool = False) -> list[dict]:
    """The streets' rates; `display`: units named in the reader's language (open data keeps the
    official names)."""
    result = []
    for s in evaluation.standings(Department.Kind.STREET_OFFICE, month):
        rates = s.rates
        result.append(
            {
                "month": f"{month:%Y-%m}",
                "rank": s.rank,
                "unit": s.unit.display_name if display else s.unit.name,
                "valid_callbacks": s.valid,
                **{k: None if v is None else round(v, 4) for k, v in rates.items()},
                "grade": s.grade,
            }
        )
    return result


@require_safe
@cached_until_refresh
def stats_page(request):
    try:
        month, month_error, status = _month(request.GET.get("month")), None, 200
    except ValidationError as error:
        # The last month's figures, with the reason beside the month picker.
        month, month_error, status = last_month(), error.messages[0], 400
    top_level = {leaf: node.display_name for leaf, node in category_ancestors(1).items()}
    districts = {r.pk: r.display_name for r in Region.objects.filter(level=Region.Level.DISTRICT)}
    by_category = totals_by(month, "category_id", top_level)
    by_district = totals_by(month, "district_id", districts)
    rates = street_rates(month, display=True)
    start, end = month_bounds(month)
    context = {
        "month": month,
        "in_progress": month == this_month(),
        # Tickets exist but their summaries do not yet (the first refresh has not run).
        "preparing": not by_category
        and Ticket.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exists(),
        "total": sum(n for _name, n in by_category),
        "by_category": by_category,
        "by_district": by_district,
        "rates": rates,
        "ranked": [r for r in rates if r["rank"]],
        "month_error": month_error,
    }
    return render(request, "analytics/public_stats.html", context, status=status)


DATASETS = {"intake": intake_rows, "street-rates": street_rates}


@require_safe
@cached_until_refresh
def open_data(request, dataset: str, month: str, fmt: str):
    if dataset not in DATASETS:
        raise Http404
    try:
        rows = DATASETS[dataset](_month(month))
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
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
