"""The residents' FAQ (常见问题, `/faq/`): the public articles, searchable, one page each.

Only public, published articles in effect are shown (`knowledge.selectors`); anything else is a
404, so an internal or expired article cannot be reached by its id. Mobile first like the other
public pages, under the same Content-Security-Policy (no inline script or style).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.csp import public_page
from tickets.models import Category

from . import rendering, selectors

PAGE_SIZE = 20
SEARCH_RESULTS = 20
MAX_QUERY = 100


def _topics():
    """Top-level categories that have public articles, for the topic links."""
    return list(Category.objects.filter(level=1, is_active=True).order_by("rank", "code"))


@public_page
@require_GET
def faq_list(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    topic = None
    code = request.GET.get("topic") or ""
    if code:
        topic = Category.objects.filter(code=code, level=1, is_active=True).first()
    if query:
        found = selectors.article_search(
            query=query, audience="public", category=topic, limit=SEARCH_RESULTS
        )
        page = None
    else:
        page = Paginator(selectors.public_articles(category=topic), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        found = list(page.object_list)
    return render(
        request,
        "knowledge/faq_list.html",
        {
            "query": query,
            "topic": topic,
            "topics": _topics(),
            "articles": [(a, rendering.excerpt(a.body, 90)) for a in found],
            "page": page,
        },
    )


@public_page
@require_GET
def faq_detail(request, pk: int):
    article = selectors.public_article(pk)
    if article is None:
        raise Http404
    related = [
        a
        for a in selectors.article_search(
            query=article.title,
            audience="public",
            category=article.categories.all()[0] if article.categories.all() else None,
            limit=5,
        )
        if a.pk != article.pk
    ][:4]
    return render(
        request,
        "knowledge/faq_detail.html",
        {"article": article, "body": rendering.to_html(article.body), "related": related},
    )
