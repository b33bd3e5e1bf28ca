"""What the classifier learns from, as (text, leaf category code) pairs.

- **History** (`history_samples`): closed tickets, each under its *final* category — a ticket an
  operator re-categorised at acceptance teaches the category it was corrected to, since the ticket
  keeps only that one. Tickets closed as invalid teach nothing (their text is not a demand). The
  newest `per_category` of each category, read per category over the (category, submitted_at)
  index, so a million tickets cost a bounded, even sample.
- **The categories themselves** (`seed_samples`): each active leaf's name, its path, its
  description, each of its keywords (`Category.keywords`, editable in the admin) and a few
  seeded combinations of them. They are always part of training: a new deployment with no
  history starts from them (a cold start), and a category added later is suggested before any
  ticket was filed under it.
- **The knowledge base** (`knowledge_samples`): published articles, under the categories they
  answer for.
"""

import random
import re
from collections.abc import Callable, Iterable, Iterator

from tickets.models import Category, Outcome, Ticket
from tickets.workflow import Status

# Combinations of a category's keywords added per category: short texts naming several aspects
# of the same demand, closer to a caller's sentence than a single keyword.
KEYWORD_COMBINATIONS = 20
_KEYWORD_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def leaf_categories() -> list[Category]:
    """The active leaf categories, with their parents (for the path)."""
    return list(
        Category.objects.filter(level=Category.LEAF_LEVEL, is_active=True)
        .select_related("parent__parent")
        .order_by("code")
    )


def split_keywords(text: str) -> list[str]:
    """The keywords of `Category.keywords`: separated by spaces, commas (either width), 、 or ;."""
    return [word for word in _KEYWORD_SEPARATORS.split(text or "") if word]


def history_samples(
    categories: Iterable[Category],
    *,
    per_category: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """The newest closed tickets of each category (at most `per_category`), as (text, code)."""
    for category in categories:
        descriptions = (
            Ticket.objects.filter(category=category, status=Status.CLOSED)
            .exclude(outcome=Outcome.INVALID)
            .order_by("-submitted_at")
            .values_list("description", flat=True)[:per_category]
        )
        for text in descriptions:
            yield text, category.code
        if progress is not None:
            progress(1)


def seed_samples(categories: Iterable[Category], *, seed: int = 12345) -> list[tuple[str, str]]:
    """Texts from the categories themselves (see the module docstring), repeatable."""
    rng = random.Random(seed)
    samples = []
    for category in categories:
        names = [node.name for node in category.path_nodes()]
        keywords = split_keywords(category.keywords)
        texts = [category.name, "".join(names), *keywords]
        if category.description:
            texts.append(category.description)
        for _ in range(KEYWORD_COMBINATIONS if len(keywords) > 1 else 0):
            chosen = rng.sample(keywords, min(len(keywords), rng.randint(2, 4)))
            texts.append(" ".join([*chosen, category.name]))
        samples.extend((text, category.code) for text in texts)
    return samples


def knowledge_samples() -> list[tuple[str, str]]:
    """Published knowledge-base articles in effect as (text, leaf category code) pairs: the one
    place the knowledge base feeds training (with the history and the categories' own texts).
    An article teaches its title, keywords and first paragraph under every leaf category it
    answers for (an article filed under a higher level teaches nothing: it would blur the
    leaves below)."""
    from knowledge.selectors import searchable

    articles = searchable(audience="staff").prefetch_related("categories")
    return [
        (f"{article.title} {article.keywords} {_first_paragraph(article.body)}", category.code)
        for article in articles
        for category in article.categories.all()
        if category.is_leaf
    ]


def _first_paragraph(body: str) -> str:
    return next((part.strip() for part in body.split("\n\n") if part.strip()), "")[:300]
