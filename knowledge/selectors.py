"""Reads of the knowledge base. `article_search` is the one search every surface calls: the
call-taker's desk and the suggestions endpoint (audience "staff"), the residents' FAQ and the
submission form (audience "public")."""

from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from departments.models import Region
from tickets.models import Category

from . import permissions, search, text
from .models import Article, ArticleUse, Audience
from .workflow import Status

AUDIENCES = ("public", "staff")
CATEGORY_BOOST = 2.0  # points for an article about the caller's category
LOCAL_BOOST = 0.5  # for an article written for the caller's place (over a city-wide one)
ELSEWHERE_PENALTY = 1.0  # for a local article when the caller's place is not known


def _is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def in_effect(day: date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(effective_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def searchable(
    *, audience: str = "public", user=None, day: date | None = None, expired: bool = False
) -> QuerySet:
    """Published articles in effect today; public ones only for the public (and for a `user`
    who is not active staff). `expired`: those past their last valid day too (staff only)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}")
    staff = audience == "staff" and (user is None or _is_staff(user))
    if expired and staff:
        articles = Article.objects.filter(
            effective_from__lte=day or timezone.localdate(), status=Status.PUBLISHED
        )
    else:
        articles = Article.objects.filter(in_effect(day), status=Status.PUBLISHED)
    if not staff:
        articles = articles.filter(audience=Audience.PUBLIC)
    return articles


def _category_ids(category) -> set[int]:
    """The category, the categories above it and those below it: an article filed under any
    of them is about the caller's demand."""
    if category is None:
        return set()
    category = category if isinstance(category, Category) else Category.objects.get(pk=category)
    ids = {node.pk for node in category.path_nodes()}
    ids |= set(
        Category.objects.filter(Q(parent=category) | Q(parent__parent=category)).values_list(
            "pk", flat=True
        )
    )
    return ids


def about_category(category) -> Q | None:
    ids = _category_ids(category)
    if not ids:
        return None
    through = Article.categories.through
    return Q(Exists(through.objects.filter(article_id=OuterRef("pk"), category_id__in=ids)))


def _place_ids(region) -> set[int]:
    """The region, the places containing it and the places inside it (three levels at most)."""
    ids = {r.pk for r in region.lineage()}
    ids |= set(
        Region.objects.filter(
            Q(parent=region) | Q(parent__parent=region) | Q(parent__parent__parent=region)
        ).values_list("pk", flat=True)
    )
    return ids


def for_place(articles: QuerySet, region) -> QuerySet:
    """Articles that hold at `region`: city-wide ones (no place), and those for the region, a
    place containing it, or a place inside it."""
    if region is None:
        return articles
    region = region if isinstance(region, Region) else Region.objects.get(pk=region)
    rows = Article.regions.through.objects.filter(article_id=OuterRef("pk"))
    return articles.filter(~Exists(rows) | Exists(rows.filter(region_id__in=_place_ids(region))))


def article_search(
    *,
    query: str,
    audience: str = "public",
    user=None,
    category=None,
    region=None,
    limit: int = 5,
    expired: bool = False,
) -> list[Article]:
    """The articles that best answer `query`, best first (published, in effect; public only for
    audience "public"). `category` (a Category or id) ranks the articles about it first;
    `region` (a Region or id) leaves out articles for other places. With no usable words in the
    query, the category's articles are listed by how often they answered calls. `expired`
    (staff only): articles past their last valid day are found too, for the desk to show them
    flagged (`Article.expired()`; they cannot answer a call)."""
    articles = for_place(searchable(audience=audience, user=user, expired=expired), region)
    boost = about_category(category)
    concepts = text.query_concepts(query or "")
    if not concepts:
        if boost is None:
            return []
        return list(articles.filter(boost).order_by("-usage_count", "-pk")[:limit])
    local = Q(Exists(Article.regions.through.objects.filter(article_id=OuterRef("pk"))))
    adjust = [(local, LOCAL_BOOST if region is not None else -ELSEWHERE_PENALTY)]
    if boost is not None:
        adjust.append((boost, CATEGORY_BOOST))
    return search.rank(
        articles, concepts, phrases=text.query_phrases(query), adjust=adjust, limit=limit
    )


def article_list_for(user) -> QuerySet:
    """Articles `user` may write (the admin's list): all for the hotline centre, their unit's
    (and the units' below) for a unit's staff, none otherwise."""
    return Article.objects.filter(permissions.scope(user))


def article_pick(*, term: str, user, limit: int = 20) -> list[Article]:
    """Published articles for an operator to answer with, best first, including expired ones
    (marked by `Article.expired()`, refused by the service) so the operator sees the article
    exists but must not be read out. Staff audience: internal articles too."""
    articles = Article.objects.filter(
        status=Status.PUBLISHED, effective_from__lte=timezone.localdate()
    ).select_related("owner")
    if not _is_staff(user):
        return []
    concepts = text.query_concepts(term or "")
    if not concepts:
        return list(articles.order_by("-usage_count", "-pk")[:limit])
    return search.rank(articles, concepts, limit=limit)


def public_articles(*, category=None) -> QuerySet:
    """The FAQ's list: public, published, in effect; most used first."""
    articles = searchable(audience="public")
    if category is not None:
        articles = articles.filter(about_category(category))
    return articles.order_by("-usage_count", "title", "pk")


def public_article(pk: int) -> Article | None:
    return (
        searchable(audience="public")
        .filter(pk=pk)
        .select_related("owner")
        .prefetch_related("categories", "regions")
        .first()
    )


def expired_published(day: date | None = None) -> QuerySet:
    """Published articles whose last valid day has passed (the expiry sweep's query)."""
    day = day or timezone.localdate()
    return Article.objects.filter(status=Status.PUBLISHED, valid_until__lt=day)


def article_usage(*, since, until) -> QuerySet:
    """Every published or once-used article with its uses in [since, until) and in all."""
    window = Q(uses__used_at__gte=since, uses__used_at__lt=until)
    return (
        Article.objects.filter(Q(status=Status.PUBLISHED) | Q(usage_count__gt=0))
        .select_related("owner")
        .annotate(uses_in_period=Count("uses", filter=window), last_used=Max("uses__used_at"))
        .order_by("-uses_in_period", "-usage_count", "title")
    )


def article_uses(article: Article, *, limit: int = 20) -> QuerySet:
    return (
        ArticleUse.objects.filter(article=article)
        .select_related("ticket")
        .order_by("-used_at")[:limit]
    )
