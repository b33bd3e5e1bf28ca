"""Benchmark: knowledge-base search at 10,000 articles on PostgreSQL — the chosen search
(rjieba words, BM25 over a GIN full-text index) against PostgreSQL trigrams (pg_trgm) and an
in-process index, for speed (p50/p95) and for quality (is the right article first?).

    createdb -h 127.0.0.1 -U postgres knowledge_bench      # once: an empty database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/knowledge_bench \
        .venv/bin/python bench/knowledge_search.py [--articles 10000] [--runs 20]

The database is prepared on the first run: migrate, the demo city with its 160 articles, then
synthetic articles (knowledge/demo/synthetic.py) up to `--articles` published ones. Each query
of QUERIES (a resident's or caller's words, and the article that must come first) runs `--runs`
times per method after one warm-up; the figures are per query. The machine is shared: expect
noise, compare methods within one run.
"""

import argparse
import math
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"

from tests.knowledge.questions import QUESTIONS  # noqa: E402

QUERIES = [
    *QUESTIONS,  # the test's, which the demo's articles answer
    ("医保门诊报销", "职工医保门诊费用怎么报销"),
    ("新生儿上户口", "新生儿怎么报户口"),
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def prepare(target: int, fresh: bool) -> None:
    from django.core.management import call_command

    from knowledge.demo.loader import demo_articles
    from knowledge.demo.synthetic import generate
    from knowledge.models import Article

    call_command("migrate", verbosity=0)
    if fresh:
        titles = [a.title for a in demo_articles()]
        Article.objects.filter(versions__isnull=True).exclude(title__in=titles).delete()
    if not Article.objects.filter(title=QUERIES[0][1]).exists():
        call_command("load_demo_city", quiet_logins=True, verbosity=0)
    missing = target - Article.objects.filter(status="published").count()
    if missing > 0:
        started = time.perf_counter()
        generate(missing)
        print(f"added {missing:,} synthetic articles in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledge_article")


# --- the alternatives --------------------------------------------------------------------------

TRGM_INDEX = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS bench_article_trgm ON knowledge_article
    USING gin ((title || ' ' || keywords || ' ' || body) gin_trgm_ops);
"""
TRGM_QUERY = """
SELECT id FROM knowledge_article
WHERE status = 'published' AND %(q)s <%% (title || ' ' || keywords || ' ' || body)
ORDER BY word_similarity(%(q)s, title || ' ' || keywords) * 2
       + word_similarity(%(q)s, title || ' ' || keywords || ' ' || body) DESC, id DESC
LIMIT 5
"""


def trigram_search(cursor, query: str) -> list[int]:
    cursor.execute(TRGM_QUERY, {"q": query})
    return [row[0] for row in cursor.fetchall()]


class InProcessIndex:
    """The same words and BM25 scoring (without the phrase and place terms), held in this
    process's memory: every process builds it, and rebuilds it whenever an article changes."""

    def __init__(self):
        from knowledge.models import Article

        started = time.perf_counter()
        self.head = defaultdict(dict)  # word → {article id: term frequency}
        self.body = defaultdict(set)
        rows = Article.objects.filter(status="published").values_list(
            "pk", "search_head", "search_body"
        )
        self.n = 0
        for pk, head, body in rows.iterator(chunk_size=2000):
            self.n += 1
            for word in head.split():
                self.head[word][pk] = self.head[word].get(pk, 0) + 1
            for word in body.split():
                self.body[word].add(pk)
        self.build_seconds = time.perf_counter() - started

    def search(self, query: str, limit: int = 5) -> list[int]:
        from knowledge import search, text

        scores = defaultdict(float)
        for concept in text.query_concepts(query):
            best = defaultdict(float)
            for word, weight in concept.alternatives.items():
                heads, bodies = self.head.get(word, {}), self.body.get(word, set())
                found = set(heads) | bodies
                if not found:
                    continue
                idf = search.idf(self.n, len(found))
                for pk in found:
                    tf = heads.get(pk, 0)
                    value = weight * idf * tf * (search.K1 + 1) / (tf + search.K1) if tf else 0
                    if pk in bodies:
                        value += weight * idf * search.BODY_WEIGHT
                    best[pk] = max(best[pk], value)
            for pk, value in best.items():
                scores[pk] += value
        return [pk for pk, _s in sorted(scores.items(), key=lambda i: (-i[1], -i[0]))[:limit]]


# --- measuring ---------------------------------------------------------------------------------


def measure(name: str, run, runs: int, expected: dict[str, int] | None) -> None:
    from knowledge.models import Article

    times, misses = [], []
    for query, _title in QUERIES:
        found = run(query)  # warm-up, and the quality check
        if expected and not (found and found[0] == expected[query]):
            misses.append((query, found[0] if found else None))
        for _ in range(runs):
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
    hits = len(QUERIES) - len(misses)
    quality = f"   right article first {hits}/{len(QUERIES)}" if expected else ""
    print(
        f"{name:<34} p50 {statistics.median(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms"
        f"   max {max(times):6.1f} ms{quality}"
    )
    titles = dict(
        Article.objects.filter(pk__in=[pk for _q, pk in misses]).values_list("pk", "title")
    )
    for query, pk in misses:
        print(f"      {query}: first came “{titles.get(pk, '—')}”")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="generate the synthetic articles anew")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database (it is prepared on the first run).")
        return 2
    prepare(args.articles, args.fresh)
    from departments.models import Region
    from knowledge.models import Article
    from knowledge.selectors import article_search
    from tickets.models import Category

    published = Article.objects.filter(status="published").count()
    expected = {
        q: Article.objects.filter(title=t).values_list("pk", flat=True).get() for q, t in QUERIES
    }
    print(f"{published:,} published articles, {len(QUERIES)} queries × {args.runs} runs each\n")

    measure(
        "chosen: rjieba + BM25, GIN (staff)",
        lambda q: [a.pk for a in article_search(query=q, audience="staff")],
        args.runs,
        expected,
    )
    chaoyang = Region.objects.get(code="110105")
    leaf = Category.objects.get(code="education.school.enrollment")
    measure(
        "chosen, with category and place",
        lambda q: [
            a.pk for a in article_search(query=q, audience="staff", category=leaf, region=chaoyang)
        ],
        args.runs,
        None,  # a fixed category and place: speed only
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(TRGM_INDEX)
        cursor.execute("SET pg_trgm.word_similarity_threshold = 0.3")
        print(f"(trigram index built in {time.perf_counter() - started:.1f} s)")
        measure("pg_trgm word_similarity", lambda q: trigram_search(cursor, q), args.runs, expected)
        cursor.execute("DROP INDEX IF EXISTS bench_article_trgm")
    index = InProcessIndex()
    print(f"(in-process index of {index.n:,} articles built in {index.build_seconds:.1f} s)")
    measure("in-process BM25 (same words)", index.search, args.runs, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
