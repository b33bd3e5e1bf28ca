"""What analysts look for: intake over time, hotspots, repeat demands, monthly-topic candidates.

All read the summary tables (`analytics.models`), never the ticket table, so each page costs the
same whatever the number of tickets. The methods are stated in `HOTSPOT_METHOD` and
`TOPIC_METHOD`, shown as help text on the pages.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

from departments.models import Region
from tickets.models import Category

from .models import CategoryMonth, DailyIntake, PlaceCategoryDay, RepeatDemand
from .refresh import previous_month, this_month, until_next_refresh

# -- intake -----------------------------------------------------------------------------------

GRANULARITY = {"day": None, "week": TruncWeek, "month": TruncMonth}


def intake_over_time(first: date, last: date, *, granularity="day", by="channel"):
    """[(period, group, tickets)] from the daily intake table; `by` is channel or kind."""
    rows = DailyIntake.objects.filter(day__gte=first, day__lte=last)
    trunc = GRANULARITY[granularity]
    period = trunc("day") if trunc else F("day")
    return list(
        rows.annotate(period=period)
        .values("period", by)
        .annotate(tickets=Sum("tickets"))
        .order_by("period", by)
        .values_list("period", by, "tickets")
    )


PLACE_COLUMNS = {"district": "district_id", "street": "street_id", "community": "region_id"}


def category_ancestors(level: int) -> dict[int, Category]:
    """Leaf category id → its ancestor at `level` (1, 2, or the leaf itself), from memory."""
    nodes = {c.pk: c for c in Category.objects.all()}
    result = {}
    for leaf in nodes.values():
        if leaf.level != Category.LEAF_LEVEL:
            continue
        node = leaf
        while node.level > level:
            node = nodes[node.parent_id]
        result[leaf.pk] = node
    return result


def intake_by_place_and_category(first_month: date, last_month: date, *, place="district", level=1):
    """[(place name, category name, tickets)], most first, over whole months.

    Grouped by ids in SQL (no joins on a big table), folded to the category level and named in
    Python from the small reference tables.
    """
    rows = PlaceCategoryDay.objects.filter(month__gte=first_month, month__lte=last_month)
    column = PLACE_COLUMNS[place]
    if place == "community":
        rows = rows.filter(region__level=Region.Level.COMMUNITY)
    ancestors = category_ancestors(level)
    names = {r.pk: r.display_name for r in Region.objects.only("name", "name_en")}
    totals: dict[tuple, int] = {}
    for place_id, leaf_id, tickets in (
        rows.values_list(column, "category_id").annotate(n=Sum("tickets")).order_by()
    ):
        key = (place_id, ancestors[leaf_id].pk)
        totals[key] = totals.get(key, 0) + tickets
    categories = {c.pk: c.display_name for c in ancestors.values()}
    result = [
        (names.get(place_id), categories[category_id], tickets)
        for (place_id, category_id), tickets in totals.items()
    ]
    result.sort(key=lambda r: (-r[2], r[0] or "", r[1]))
    return result


# -- hotspots ----------------------------------------------------------------------------------

HOTSPOT_METHOD = _(
    "A hotspot is a community and category whose tickets in the last %(window)d days number at "
    "least %(minimum)d and exceed their own average over the %(windows)d windows of %(window)d "
    "days before by at least %(z)d standard deviations of a Poisson count "
    "(z = (count − average) / √max(average, 1)). Ranked by z."
)
HOTSPOT_MINIMUM = 3
HOTSPOT_Z = 3
HISTORY_WINDOWS = {7: 8, 30: 6}


@dataclass(frozen=True)
class Hotspot:
    region: Region
    category: Category
    count: int
    average: float
    z: float


@until_next_refresh
def hotspots(today: date, window: int = 7, *, limit: int = 100) -> list[Hotspot]:
    windows = HISTORY_WINDOWS[window]
    recent_start = today - timedelta(days=window - 1)
    history_start = recent_start - timedelta(days=window * windows)
    rows = (
        PlaceCategoryDay.objects.filter(
            day__gte=history_start, day__lte=today, region__level=Region.Level.COMMUNITY
        )
        .values("region", "category")
        .annotate(
            recent=Sum("tickets", filter=Q(day__gte=recent_start)),
            before=Sum("tickets", filter=Q(day__lt=recent_start)),
        )
        .filter(recent__gte=HOTSPOT_MINIMUM)
        .order_by()
    )
    found = []
    for row in rows:
        average = (row["before"] or 0) / windows
        z = (row["recent"] - average) / math.sqrt(max(average, 1.0))
        if z >= HOTSPOT_Z:
            found.append((row["region"], row["category"], row["recent"], average, z))
    found.sort(key=lambda f: -f[4])
    found = found[:limit]
    regions = Region.objects.in_bulk({f[0] for f in found})
    categories = Category.objects.select_related("parent__parent").in_bulk({f[1] for f in found})
    return [Hotspot(regions[r], categories[c], n, avg, z) for r, c, n, avg, z in found]


@until_next_refresh
def community_counts(today: date, window: int) -> dict[int, list[tuple[int, int]]]:
    """Tickets per community and leaf category in the last `window` days (the hotspot map):
    {community id: [(category id, tickets), …] busiest first}."""
    start = today - timedelta(days=window - 1)
    rows = (
        PlaceCategoryDay.objects.filter(
            day__gte=start, day__lte=today, region__level=Region.Level.COMMUNITY
        )
        .values_list("region", "category")
        .annotate(n=Sum("tickets"))
        .order_by()
    )
    counts: dict[int, list[tuple[int, int]]] = {}
    for region_id, category_id, n in rows:
        if n:
            counts.setdefault(region_id, []).append((category_id, n))
    for pairs in counts.values():
        pairs.sort(key=lambda pair: -pair[1])
    return counts


# -- repeat demands -------------------------------------------------------------------------


def repeats(first: date, last: date):
    """Repeat demands of the period, newest first, with both tickets for links."""
    return (
        RepeatDemand.objects.filter(day__gte=first, day__lte=last)
        .select_related("ticket__category", "earlier", "ticket__community", "ticket__district")
        .order_by("-day", "-ticket_id")
    )


def repeat_counts(first: date, last: date) -> dict[str, int]:
    return dict(
        RepeatDemand.objects.filter(day__gte=first, day__lte=last)
        .values_list("basis")
        .annotate(n=Count("pk"))
        .order_by()
    )


# -- monthly topic -----------------------------------------------------------------------------

TOPIC_METHOD = _(
    "Candidates for the monthly topic (每月一题): categories ranked by the sum of four "
    "standardised scores over the last %(months)d months — volume, the number of communities "
    "reporting it, the share of replies that came late, and dissatisfaction (1 − satisfaction "
    "rate). A category needs at least %(minimum)d tickets to be considered."
)
TOPIC_MINIMUM = 20


@dataclass(frozen=True)
class Topic:
    category: Category
    tickets: int
    places: int
    late_share: float
    satisfaction: float | None
    average_reply_hours: float | None
    score: float


@until_next_refresh
def topic_candidates(last_month: date, months: int = 3, *, limit: int = 20) -> list[Topic]:
    first = last_month
    for _step in range(months - 1):
        first = previous_month(first)
    rows = list(
        CategoryMonth.objects.filter(month__gte=first, month__lte=last_month)
        .values("category")
        .annotate(
            n=Sum("tickets"),
            replied_n=Sum("replied"),
            late=Sum("replied_late"),
            hours=Sum("reply_hours"),
            valid_n=Sum("valid"),
            satisfied_n=Sum("satisfied"),
            basically_n=Sum("basically"),
        )
        .filter(n__gte=TOPIC_MINIMUM)
        .order_by()
    )
    if not rows:
        return []
    places = dict(
        PlaceCategoryDay.objects.filter(
            month__gte=first, month__lte=last_month, region__level=Region.Level.COMMUNITY
        )
        .values_list("category")
        .annotate(n=Count("region", distinct=True))
        .order_by()
    )
    measures = []
    for row in rows:
        satisfaction = (
            (row["satisfied_n"] + 0.9 * row["basically_n"]) / row["valid_n"]
            if row["valid_n"]
            else None
        )
        measures.append(
            {
                "category": row["category"],
                "tickets": row["n"],
                "places": places.get(row["category"], 0),
                "late_share": row["late"] / row["replied_n"] if row["replied_n"] else 0.0,
                "dissatisfaction": 1 - satisfaction if satisfaction is not None else 0.0,
                "satisfaction": satisfaction,
                "hours": row["hours"] / row["replied_n"] if row["replied_n"] else None,
            }
        )
    scores = {m["category"]: 0.0 for m in measures}
    for key in ("tickets", "places", "late_share", "dissatisfaction"):
        values = [m[key] for m in measures]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
        for m in measures:
            scores[m["category"]] += (m[key] - mean) / spread
    measures.sort(key=lambda m: -scores[m["category"]])
    measures = measures[:limit]
    categories = Category.objects.select_related("parent__parent").in_bulk(
        [m["category"] for m in measures]
    )
    return [
        Topic(
            categories[m["category"]],
            m["tickets"],
            m["places"],
            m["late_share"],
            m["satisfaction"],
            m["hours"],
            scores[m["category"]],
        )
        for m in measures
    ]


def warm_findings(today: date | None = None) -> None:
    """Compute the cached findings as the staff pages and the API ask for them (both windows of
    the hotspots and their map, this month's topic candidates), right after a refresh."""
    from django.utils import timezone

    today = today or timezone.localdate()
    for window in HISTORY_WINDOWS:
        hotspots(today, window=window)
        community_counts(today, window)
    topic_candidates(this_month())
