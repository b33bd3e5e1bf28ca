"""Ranking articles for a query: segmented words, weighted by rarity, on either database.

How an article scores for a query (the same on PostgreSQL and SQLite):
- the query is cut into words (`knowledge.text`); each word, with its synonyms, is a concept;
- a concept scores the rarity of its best-matching word, idf = ln(1 + (N − df + ½) / (df + ½))
  (BM25's), times the word's weight (1 for the word typed, 0.8 for a synonym, half that for a
  single character), times BM25's term weight in the title and keywords — which grows with how
  often the word is there (in the title and again as a keyword) and shrinks with their length —
  or, when the word is only in the body, BODY_WEIGHT times the body's length normalisation;
- the caller adds points for conditions (`adjust`): the selectors favour articles about the
  caller's category and those written for the caller's place;
- articles are ordered by score, then by how often they answered calls.
Rarity matters: in "非京籍 入学 材料" the article that has 非京籍 wins over the many that only
list 材料.

Finding the articles that contain a word: on PostgreSQL a GIN index over the generated column
`search_vector` (to_tsvector('simple', search_head || search_body), migration 0002: the words
are already cut, so the 'simple' configuration only splits on the spaces); on SQLite (the
embedded demo) a scan for " word " in the stored words, which is fast enough for the few
hundred articles of a demo.
"""

import math

from django.db import connection
from django.db.models import Avg, BooleanField, Case, Count, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Greatest, Length, Replace

from .text import Concept

BODY_WEIGHT = 0.3
K1 = 1.2  # BM25's usual constant
# How much a field's length weighs (BM25's b): little for the title and keywords, since a
# well-kept article lists many keywords; BM25's usual 0.75 for the body.
HEAD_B, BODY_B = 0.3, 0.75

CREATE_SEARCH_VECTOR = """
ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_head || ' ' || search_body)) STORED;
CREATE INDEX IF NOT EXISTS knowledge_article_search ON knowledge_article
    USING gin (search_vector);
"""
DROP_SEARCH_VECTOR = """
DROP INDEX IF EXISTS knowledge_article_search;
ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector;
"""


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(words) -> str:
    """A to_tsquery text matching any of `words` (words are \\w+ only: no quoting issues)."""
    return " | ".join(f"'{w}'" for w in words)


def contains_any(words) -> Q | RawSQL:
    """Articles whose title, keywords or body contain one of `words`."""
    words = list(words)
    if _postgres():
        return Q(
            RawSQL(
                "knowledge_article.search_vector @@ to_tsquery('simple', %s)",
                [_tsquery(words)],
                output_field=BooleanField(),
            )
        )
    found = Q(pk__in=[])
    for word in words:
        found |= Q(search_head__contains=f" {word} ") | Q(search_body__contains=f" {word} ")
    return found


def in_head(word: str) -> Q:
    return Q(search_head__contains=f" {word} ")


def idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _length_norm(field: str, average: float, b: float):
    """BM25's k1·(1 − b + b·L/avgL) for a field of length L."""
    length = Cast(Length(field), FloatField())
    return Value(K1) * (Value(1 - b) + Value(b) * length / Value(max(average, 1.0)))


def _term_frequency(field: str, word: str):
    """How often " word " occurs in the stored words of `field`."""
    removed = Length(field) - Length(Replace(field, Value(f" {word} "), Value(" ")))
    return Cast(removed, FloatField()) / Value(float(len(word)))


def _bm25(word: str, field: str, norm: str):
    """BM25's term weight tf·(k1 + 1) / (tf + k1·(1 − b + b·L/avgL)), without the idf."""
    tf = _term_frequency(field, word)
    return tf * Value(K1 + 1) / (tf + F(norm))


def rank(articles, concepts: list[Concept], *, adjust=(), limit: int = 5) -> list:
    """The best `limit` of `articles` (a filtered queryset) for `concepts`; `adjust` is a list
    of (condition, points) added to the score of the articles that meet the condition. Two
    queries: the document frequency of each word (and the fields' average lengths), then the
    scored, ordered, limited list."""
    words = sorted({w for c in concepts for w in c.alternatives})
    if not words:
        return []
    counts = articles.aggregate(
        _n=Count("pk"),
        _head=Avg(Length("search_head")),
        _body=Avg(Length("search_body")),
        **{f"df{i}": Count("pk", filter=contains_any([w])) for i, w in enumerate(words)},
    )
    n = counts["_n"]
    rarity = {w: idf(n, counts[f"df{i}"]) for i, w in enumerate(words) if counts[f"df{i}"]}
    if not rarity:
        return []
    body = Value(K1 + 1) / (Value(1.0) + F("body_norm"))  # a body word counts once
    parts = []
    for concept in concepts:
        options = [
            Case(
                When(
                    in_head(w),
                    then=Value(weight * rarity[w]) * _bm25(w, "search_head", "head_norm"),
                ),
                When(contains_any([w]), then=Value(weight * rarity[w] * BODY_WEIGHT) * body),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for w, weight in concept.alternatives.items()
            if w in rarity
        ]
        if options:
            parts.append(options[0] if len(options) == 1 else Greatest(*options))
    for condition, points in adjust:
        parts.append(
            Case(When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField())
        )
    score = parts[0]
    for part in parts[1:]:
        score = score + part
    return list(
        articles.filter(contains_any(rarity))
        .alias(
            head_norm=_length_norm("search_head", counts["_head"] or 1.0, HEAD_B),
            body_norm=_length_norm("search_body", counts["_body"] or 1.0, BODY_B),
        )
        .annotate(score=score)
        .order_by("-score", "-usage_count", "-pk")[:limit]
    )
