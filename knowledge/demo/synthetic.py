"""Synthetic articles for the search benchmark: thousands of plausible distractors.

They reuse the words of the demo articles (so they compete with the real ones on the same
vocabulary, as a real base of thousands does: many district notices about 入学, 供暖, 社保 …),
are placed in districts and streets, and are written straight to the table (no versions:
benchmark data only). Deterministic for a seed.
"""

import random

from django.db import transaction
from django.utils import timezone

from departments.models import Department, Region
from tickets.models import Category

from .. import text
from ..models import Article, Audience
from ..workflow import Status
from .loader import demo_articles

SUFFIXES = (
    "办理指南", "常见问题解答", "政策解读", "工作通知", "服务须知", "注意事项", "流程说明",
    "温馨提示", "相关规定", "申请条件", "材料清单", "工作安排",
)  # fmt: skip
SENTENCES = (
    "{place}{a}工作按照有关规定执行，具体以主管部门公布为准。",
    "居民办理{a}和{b}相关事项时，请携带身份证件到{place}服务窗口。",
    "{place}已于近期完成{a}的排查，发现{b}问题将及时处理。",
    "对{a}有疑问的，可向{place}咨询，也可登录政务服务网站查询{b}进度。",
    "根据工作安排，{place}将分批开展{a}，期间{b}可能受到影响。",
    "{a}与{b}不属于同一事项，请按照各自的办理渠道申请。",
)


@transaction.atomic
def generate(count: int, *, seed: int = 14) -> int:
    """Add `count` published synthetic articles; returns how many were added."""
    rng = random.Random(seed)
    vocabulary = sorted(
        {w for a in demo_articles() for w in text.words(f"{a.title} {a.keywords}") if len(w) > 1}
    )
    places = list(Region.objects.filter(level__in=[2, 3]).values_list("pk", "name"))
    units = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    leaves = list(Category.objects.filter(level=3).values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    articles, where, about = [], [], []
    for _ in range(count):
        place_pk, place = rng.choice(places) if rng.random() < 0.7 else (None, "本市")
        a, b, c, d, e = rng.sample(vocabulary, 5)
        title = f"{place}{a}{b}{rng.choice(SUFFIXES)}"
        body = "\n\n".join(
            rng.choice(SENTENCES).format(place=place, a=x, b=y)
            for x, y in [(a, c), (d, e), (c, d), (e, b)][: rng.randint(2, 4)]
        )
        keywords = " ".join([b, c, d])
        head, body_words = text.index_fields(title=title, keywords=keywords, body=body)
        articles.append(
            Article(
                title=title,
                body=body,
                keywords=keywords,
                owner_id=rng.choice(units),
                audience=Audience.PUBLIC if rng.random() < 0.8 else Audience.INTERNAL,
                status=Status.PUBLISHED,
                effective_from=today.replace(year=today.year - 1),
                version=1,
                usage_count=0,  # ties are not decided for them
                search_head=head,
                search_body=body_words,
                created_at=now,
                updated_at=now,
                published_at=now,
            )
        )
        where.append(place_pk)
        about.append(rng.choice(leaves) if leaves else None)
    Article.objects.bulk_create(articles, batch_size=1000)
    Article.regions.through.objects.bulk_create(
        [
            Article.regions.through(article_id=article.pk, region_id=pk)
            for article, pk in zip(articles, where, strict=True)
            if pk
        ],
        batch_size=2000,
    )
    Article.categories.through.objects.bulk_create(
        [
            Article.categories.through(article_id=article.pk, category_id=pk)
            for article, pk in zip(articles, about, strict=True)
            if pk
        ],
        batch_size=2000,
    )
    return count
