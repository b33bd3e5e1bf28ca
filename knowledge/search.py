"""Ranking articles for a query: segmented words, weighted by rarity, on either database.

How an article scores for a query (the same on PostgreSQL and SQLite):
- the query is cut into words (`knowledge.text`); each word, with its synonyms, is a concept;
- a concept scores the rarity of its best-matching word, idf = ln(1 + (N − df + ½) / (df + ½))
  (BM25's; N and df over all published articles, cached for STATS_SECONDS), times the word's
  weight (1 for the word typed, 0.8 for a synonym, half that for a single character), times
  BM25's term weight tf·(k1 + 1) / (tf + k1) in the title and keywords — tf is 2 when the word
  is in the title and again a keyword — plus BODY_WEIGHT when the body has it too. BM25's length
  normalisation (b) is left out: a well-kept article lists many keywords and must not lose for
  it (b = 0.2 and 0.5 put more wrong articles first in bench/knowledge_search.py);
- two words typed next to each other and found together in the title or a keyword add
  PHRASE_WEIGHT times their mean rarity ("燃气味" in 闻到燃气味怎么办);
- the caller adds points for conditions (`adjust`): the selectors favour articles about the
  caller's category and those written for the caller's place;
- articles are ordered by score, then by how often they answered calls.
Rarity matters: in "非京籍 入学 材料" the article that has 非京籍 wins over the many that only
list 材料.

Finding the articles that contain a word: on PostgreSQL a GIN index over the generated column
`search_vector` (to_tsvector('simple', search_head || search_body), migration 0002: the words
are already cut, so the 'simple' configuration only splits on the spaces; `fastupdate` off, as
articles change seldom and a pending list would slow every search); on SQLite (the embedded
demo) a scan for " word " in the stored words, fast enough for a demo's few hundred articles.
The candidates are then scored by `_score_sql` on either database.
"""

import math

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Case, Count, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

from .models import Article
from .text import Concept
from .workflow import Status

BODY_WEIGHT = 0.3
PHRASE_WEIGHT = 0.5
K1 = 1.2  # BM25's usual constant
COMMON_SHARE = 0.05  # a word in more of the published articles than this is "common"
STATS_KEY = "knowledge:search"
STATS_SECONDS = 300  # how long the corpus size and word frequencies are cached

CREATE_SEARCH_VECTOR = """
ALTER TABLE knowledge_article ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_head || ' ' || search_body)) STORED;
CREATE INDEX IF NOT EXISTS knowledge_article_search ON knowledge_article
    USING gin (search_vector) WITH (fastupdate = off);
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


def idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _score_sql(concepts: list[Concept], rarity: dict[str, float], phrases: list[str]):
    """The score as one SQL expression with its parameters (portable: LIKE, LENGTH, REPLACE,
    CASE; GREATEST on PostgreSQL, the scalar MAX on SQLite). Written as SQL rather than nested
    ORM expressions because Django takes longer to compile those than the database to run it."""
    table = "knowledge_article"
    greatest = "GREATEST" if _postgres() else "MAX"
    parts, params = [], []
    for concept in concepts:
        options = []
        for word, weight in concept.alternatives.items():
            if word not in rarity:
                continue
            value = weight * rarity[word]
            # BM25's tf·(k1 + 1) / (tf + k1) for the title and keywords, where tf counts
            # " word " in search_head; plus BODY_WEIGHT when the body has it too.
            tf = (
                f"(CAST(LENGTH({table}.search_head) - LENGTH(REPLACE({table}.search_head, %s, ' '))"
                " AS REAL) / %s)"
            )
            options.append(
                f"(CASE WHEN {table}.search_head LIKE %s THEN %s * {tf} * %s / ({tf} + %s)"
                f" ELSE 0.0 END + CASE WHEN {table}.search_body LIKE %s THEN %s ELSE 0.0 END)"
            )
            spaced, length = f" {word} ", float(len(word))
            params += [f"%{spaced}%", value, spaced, length, K1 + 1, spaced, length, K1]
            params += [f"%{spaced}%", value * BODY_WEIGHT]
        if options:
            parts.append(options[0] if len(options) == 1 else f"{greatest}({', '.join(options)})")
    for phrase in phrases:
        first, second = phrase
        if first in rarity and second in rarity:
            parts.append(
                f"CASE WHEN {table}.title LIKE %s OR {table}.keywords LIKE %s THEN %s ELSE 0.0 END"
            )
            pattern = f"%{first}{second}%"
            params += [pattern, pattern, PHRASE_WEIGHT * (rarity[first] + rarity[second]) / 2]
    return " + ".join(parts) or "0.0", params


def corpus() -> int:
    """How many articles are published, cached for STATS_SECONDS."""
    found = cache.get(STATS_KEY)
    if found is None:
        found = Article.objects.filter(status=Status.PUBLISHED).count()
        cache.set(STATS_KEY, found, STATS_SECONDS)
    return found


def document_frequencies(words) -> dict[str, int]:
    """How many published articles contain each word: cached per word for STATS_SECONDS; the
    missing ones counted in one query over the articles that contain any of them (the index)."""
    keys = {w: f"{STATS_KEY}:df:{w}" for w in words}
    cached = cache.get_many(list(keys.values()))
    found = {w: cached[k] for w, k in keys.items() if k in cached}
    missing = [w for w in words if w not in found]
    if missing:
        counts = (
            Article.objects.filter(status=Status.PUBLISHED)
            .filter(contains_any(missing))
            .aggregate(
                **{f"df{i}": Count("pk", filter=contains_any([w])) for i, w in enumerate(missing)}
            )
        )
        fresh = {w: counts[f"df{i}"] for i, w in enumerate(missing)}
        cache.set_many({keys[w]: df for w, df in fresh.items()}, STATS_SECONDS)
        found.update(fresh)
    return found


def rank(articles, concepts: list[Concept], *, phrases=(), adjust=(), limit: int = 5) -> list:
    """The best `limit` of `articles` (a filtered queryset of published articles) for
    `concepts`; `phrases` are pairs of words typed next to each other (found together in a
    title or the keywords, they add PHRASE_WEIGHT); `adjust` is a list of (condition, points)
    added to the score of the articles that meet the condition. One query when the words'
    statistics are cached (see `document_frequencies`), else two or three."""
    words = sorted({w for c in concepts for w in c.alternatives})
    if not words:
        return []
    n = corpus()
    frequencies = {w: df for w, df in document_frequencies(words).items() if df}
    if not frequencies:
        return []
    rarity = {w: idf(n, df) for w, df in frequencies.items()}
    # The candidates are the articles with one of the query's selective words: a common word
    # (办理, 申请, 不) still scores, but would bring in a large part of the base to score for
    # nothing, as an article with none of the rarer words cannot come first.
    selective = [w for w, df in frequencies.items() if df <= COMMON_SHARE * n] or [
        min(frequencies, key=frequencies.get)
    ]
    sql, params = _score_sql(concepts, rarity, list(phrases))
    score = RawSQL(sql, params, output_field=FloatField())
    for condition, points in adjust:
        score = score + Case(
            When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField()
        )
    return list(
        articles.filter(contains_any(selective))
        .annotate(score=score)
        .order_by("-score", "-usage_count", "-pk")[:limit]
    )
