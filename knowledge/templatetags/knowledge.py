"""`{% submission_articles where details %}`: on step 2 of /submit/, the public articles that
may already answer the resident, for the chosen category and place and what they typed."""

from django import template

from .. import rendering
from ..selectors import article_search

register = template.Library()
SHOWN = 3


@register.inclusion_tag("knowledge/includes/submission_articles.html")
def submission_articles(where, details):
    category = region = None
    if where.is_bound and where.is_valid():
        category, region = where.chosen_category, where.chosen_region
    text = details["description"].value() if details.is_bound else ""
    articles = article_search(
        query=text or "",
        audience="public",
        category=category,
        region=region,
        limit=SHOWN,
    )
    return {"articles": [(a, rendering.excerpt(a.body, 60)) for a in articles]}
