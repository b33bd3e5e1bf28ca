"""Knowledge-base articles matching the caller's words: the one place suggestions read the
knowledge base (issue 14 §1, `knowledge.selectors.article_search`).

Staff get `audience="staff"` (public and internal articles in effect, and published ones past
their last valid day, flagged `expired`: the desk shows that an answer exists but must not be read
out until its unit reviews it) with a link they can open: the residents' page of a public
article, the staff page of an internal one. The residents' site gets `audience="public"` (in
effect only, no flag).
"""

from django.urls import reverse

from knowledge.selectors import article_search


def articles_for(
    *, text: str, audience: str, user=None, category=None, region=None, limit: int = 5
) -> list[dict]:
    staff = audience == "staff"
    found = article_search(
        query=text,
        audience=audience,
        user=user,
        category=category,
        region=region,
        limit=limit,
        expired=staff,
    )
    return [
        {
            "id": article.pk,
            "title": article.title,
            "url": article.get_public_url()
            or reverse("admin:knowledge_article_change", args=[article.pk]),
            **({"expired": article.expired()} if staff else {}),
        }
        for article in found
    ]
