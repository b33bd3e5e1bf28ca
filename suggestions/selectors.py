"""Suggestions for a caller's words: the likely categories, the unit the dispatch catalogue names
for the first, matching knowledge-base articles, similar open tickets nearby (likely duplicates)
and the caller's earlier tickets. Advice only: nothing is written here.

Every ticket shown comes from the `tickets` the caller passes — the user's scope
(`tickets.api.scope.tickets_for`, i.e. `tickets.selectors.ticket_list_for`) — so a unit's staff
see similar tickets and caller history of their own unit only, like every other read.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from departments.models import Department, Region
from tickets import lookups
from tickets.models import Category
from tickets.selectors import caller_history, likely_repeats
from tickets.workflow import Status

from . import registry
from .articles import articles_for
from .classifier import normalise
from .models import SuggestionRecord
from .records import Shown

SHOWN_CATEGORIES = 3
SHOWN_ARTICLES = 5
SHOWN_SIMILAR = 5
SIMILAR_WINDOW = timedelta(days=30)  # as for repeat demands and duplicates (tickets.selectors)
SIMILAR_CANDIDATES = 100  # newest open tickets nearby compared with the text, at most
SIMILAR_MINIMUM = 0.2  # Dice coefficient of character bigrams


@dataclass
class Suggestions:
    model: registry.Loaded | None = None  # the classifier version that suggested
    categories: list[tuple[Category, float]] = field(default_factory=list)
    unit: Department | None = None
    articles: list[dict] = field(default_factory=list)
    similar: list[dict] = field(default_factory=list)
    caller: dict | None = None

    def shown(self) -> Shown:
        version = self.model.version if self.model else None
        return Shown(version, tuple((c.code, score) for c, score in self.categories))


def suggestions_for(
    *,
    user,
    tickets: QuerySet,
    description: str,
    region: Region | None = None,
    phone: str = "",
    category: Category | None = None,
    address: str = "",
) -> Suggestions:
    """Everything the desk shows beside the caller's words. `category` is the one the operator
    has chosen already, if any: the unit, similar tickets and repeats follow it instead of the
    first suggestion."""
    model, categories = categories_for(description)
    chosen = category or (categories[0][0] if categories else None)
    related = [category] if category else [c for c, _score in categories]
    return Suggestions(
        model=model,
        categories=categories,
        unit=unit_for(chosen, region) if chosen else None,
        articles=articles_for(
            text=description,
            audience="staff",
            user=user,
            category=chosen,
            region=region,
            limit=SHOWN_ARTICLES,
        ),
        similar=similar_open_tickets(tickets, text=description, categories=related, region=region),
        caller=caller_for(tickets, phone, category=chosen, address=address) if phone else None,
    )


def public_suggestions_for(*, description: str) -> Suggestions:
    """The residents' site's part: categories and public articles, nothing about tickets."""
    model, categories = categories_for(description)
    return Suggestions(
        model=model,
        categories=categories,
        articles=articles_for(
            text=description,
            audience="public",
            category=categories[0][0] if categories else None,
            limit=SHOWN_ARTICLES,
        ),
    )


def categories_for(text: str, k: int = SHOWN_CATEGORIES) -> tuple[registry.Loaded | None, list]:
    """(the classifier used, [(leaf category, score), …] best first); (None, []) before the
    first training. Categories deactivated since the model was trained are passed over."""
    loaded = registry.current()
    if loaded is None:
        return None, []
    found = loaded.classifier.top(text, k, allowed=_offered)
    return loaded, [(_category(code), score) for code, score in found]


def _offered(code: str) -> bool:
    category = _category(code)
    return category is not None and category.is_active and category.is_leaf


def _category(code: str) -> Category | None:
    """A category with its parents (for the path), from the reference cache (cleared when a
    category changes, `tickets.lookups`)."""
    cache = caches["reference"]
    key = f"suggestions:category:{code}"
    found = cache.get(key)
    if found is None:
        found = Category.objects.select_related("parent__parent").filter(code=code).first()
        if found is not None:
            cache.set(key, found)
    return found


def unit_for(category: Category, region: Region | None) -> Department | None:
    """The dispatch catalogue's unit for the category at the place (`lookups.suggested_unit_id`,
    from the reference cache). Without a place, only a rule naming a unit for the whole city
    can answer (a street office needs the street)."""
    region = region or _city()
    if region is None:
        return None
    unit_id = lookups.suggested_unit_id(category, region)
    return _unit(unit_id) if unit_id else None


def similar_open_tickets(
    tickets: QuerySet, *, text: str, categories, region: Region | None, now=None
) -> list[dict]:
    """Open tickets of the last 30 days in `categories` near `region` whose text is like
    `text`, most similar first. Near: the same street for a community or a street, the same
    district for a district, the whole city without a place. The newest `SIMILAR_CANDIDATES`
    of them are compared by the Dice coefficient of their character bigrams (the ticket list's
    trigram index answers "contains these words", not "says the same thing")."""
    if not categories:
        return []
    now = now or timezone.now()
    candidates = tickets.filter(submitted_at__gte=now - SIMILAR_WINDOW).exclude(
        status=Status.CLOSED
    )
    nearby = _nearby(region)
    if nearby is not None:
        candidates = candidates.filter(nearby)
    rows = _newest(candidates, categories)
    words = bigrams(text)
    found = []
    for number, status, submitted_at, description in rows:
        score = similarity(words, bigrams(description))
        if score >= SIMILAR_MINIMUM:
            found.append(
                {
                    "number": number,
                    "status": status,
                    "submitted_at": submitted_at,
                    "similarity": round(score, 3),
                }
            )
    found.sort(key=lambda row: (-row["similarity"], -row["submitted_at"].timestamp()))
    return found[:SHOWN_SIMILAR]


def _newest(candidates: QuerySet, categories) -> QuerySet:
    """The newest `SIMILAR_CANDIDATES` of `candidates`. Where the database allows it, the newest
    of each category first, then the newest of those: each part reads its category's index in
    order and stops, where one query over all of them reads every open ticket of the categories
    at the place before sorting (29,677 rows, 139 ms, for a busy street's commonest category at
    ten million tickets)."""
    columns = ("number", "status", "submitted_at", "description")
    categories = list(categories)
    if len(categories) < 2 or not connection.features.supports_slicing_ordering_in_compound:
        return (
            candidates.filter(category__in=categories)
            .order_by("-submitted_at")
            .values_list(*columns)[:SIMILAR_CANDIDATES]
        )
    parts = [
        candidates.filter(category=category)
        .order_by("-submitted_at")
        .values_list(*columns)[:SIMILAR_CANDIDATES]
        for category in categories
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-submitted_at")[:SIMILAR_CANDIDATES]


def caller_for(tickets: QuerySet, phone: str, *, category=None, address: str = "") -> dict:
    """The caller's latest tickets (within `tickets`) and whether the call looks like a repeat:
    a ticket of theirs of the last 30 days with the same category or address, as phone intake
    flags them (`tickets.selectors.likely_repeats`)."""
    repeats = set(
        likely_repeats(phone, category=category, address=address, tickets=tickets).values_list(
            "pk", flat=True
        )
    )
    history = caller_history(phone, tickets=tickets)
    return {
        "tickets": [
            {
                "number": t.number,
                "status": t.status,
                "submitted_at": t.submitted_at,
                "category": t.category.code,
                "repeat": t.pk in repeats,
            }
            for t in history
        ],
        "repeat": bool(repeats),
    }


def bigrams(text: str) -> frozenset[str]:
    text = normalise(text)
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset(text)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient: 2|A∩B| / (|A| + |B|)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _nearby(region: Region | None) -> Q | None:
    if region is None or region.level == Region.Level.CITY:
        return None
    if region.level == Region.Level.DISTRICT:
        return Q(district=region)
    street = region if region.level == Region.Level.STREET else region.parent
    return Q(street=street)


def _city() -> Region | None:
    """The root of the region tree, from the reference cache (cleared when a region changes)."""
    cache = caches["reference"]
    found = cache.get("suggestions:city")
    if found is None:
        found = Region.objects.filter(parent__isnull=True).order_by("pk").first()
        if found is not None:
            cache.set("suggestions:city", found)
    return found


def _unit(unit_id: int) -> Department | None:
    """A unit's code and name, from the reference cache (cleared when a unit changes)."""
    cache = caches["reference"]
    key = f"suggestions:unit:{unit_id}"
    found = cache.get(key)
    if found is None:
        found = Department.objects.only("code", "name").filter(pk=unit_id).first()
        if found is not None:
            cache.set(key, found)
    return found


def accuracy_by_month(*, months: int = 12) -> list[dict]:
    """Production accuracy: per Beijing month (newest first, the last `months`), how many
    classifications were recorded with the suggestions shown, and how often the category chosen
    was the first suggestion (top-1) or among the three (top-3). One GROUP BY over the records."""
    start = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        SuggestionRecord.objects.filter(created_at__date__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            records=Count("pk"),
            top1=Count("pk", filter=Q(rank=1)),
            top3=Count("pk", filter=Q(rank__isnull=False)),
        )
        .order_by("-month")
    )
    return [
        {
            "month": row["month"],
            "records": row["records"],
            "top1": row["top1"] / row["records"],
            "top3": row["top3"] / row["records"],
        }
        for row in rows
    ]
