"""Knowledge-base articles matching the caller's words: the one place suggestions read the
knowledge base (issue 14 §1, the `knowledge` app).

`articles_for` answers `[{"id", "title", "url"}, …]` from
`knowledge.selectors.article_search(query=…, audience=…, user=…, category=…, region=…,
limit=…)` once the `knowledge` app is installed, and nothing before (it is built on another
branch). Staff get `audience="staff"` (public and internal articles the user may read), the
residents' site `audience="public"`.
"""

from django.apps import apps


def articles_for(
    *, text: str, audience: str, user=None, category=None, region=None, limit: int = 5
) -> list[dict]:
    search = _article_search()
    if search is None:
        return []
    found = search(
        query=text, audience=audience, user=user, category=category, region=region, limit=limit
    )
    return [
        {"id": article.pk, "title": article.title, "url": article.get_public_url()}
        for article in found
    ]


def _article_search():
    if not apps.is_installed("knowledge"):
        return None
    from knowledge.selectors import article_search

    return article_search
