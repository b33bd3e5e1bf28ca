"""The demo knowledge base: articles written for this project (articles/*.txt), loaded through
the services so each has its versions (created, submitted, published). Idempotent by title.

The data files are plain text, one article per block, so that writing one needs no Python:

    === 标题
    cat: education.school.enrollment, gov.affairs.residence   (category codes, any level)
    unit: bj-jw                                               (owning unit's code)
    kw: 非京籍 随迁子女 五证                                   (keywords)
    aud: internal                                             (optional; default public)
    region: 110105                                            (optional region codes)
    until: -20                                                (optional: last valid day,
                                                               days from today, or a date)
    ---
    Markdown body …
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from departments.models import Department, Region
from tickets.models import Category

from .. import services
from ..models import Article, Audience

DATA_DIR = Path(__file__).with_name("articles")
EFFECTIVE_DAYS_AGO = 400


@dataclass
class DemoArticle:
    title: str
    categories: list[str] = field(default_factory=list)
    unit: str = ""
    keywords: str = ""
    audience: str = Audience.PUBLIC
    regions: list[str] = field(default_factory=list)
    until: str = ""
    body: str = ""


def _split(value: str) -> list[str]:
    return [v for v in value.replace("，", ",").replace(" ", ",").split(",") if v]


def parse(source: str) -> list[DemoArticle]:
    articles: list[DemoArticle] = []
    current = None
    in_body = False
    body: list[str] = []
    for line in source.splitlines():
        if line.startswith("=== "):
            if current is not None:
                current.body = "\n".join(body).strip()
                articles.append(current)
            current, in_body, body = DemoArticle(title=line[4:].strip()), False, []
        elif current is None:
            continue
        elif in_body:
            body.append(line)
        elif line.strip() == "---":
            in_body = True
        elif ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            if key == "cat":
                current.categories = _split(value)
            elif key == "region":
                current.regions = _split(value)
            elif key == "unit":
                current.unit = value
            elif key == "kw":
                current.keywords = value
            elif key == "aud":
                current.audience = value
            elif key == "until":
                current.until = value
            else:
                raise ValueError(f"{current.title}: unknown header {key!r}")
    if current is not None:
        current.body = "\n".join(body).strip()
        articles.append(current)
    return articles


def demo_articles() -> list[DemoArticle]:
    return [a for path in sorted(DATA_DIR.glob("*.txt")) for a in parse(path.read_text())]


def _until(value: str, today: date) -> date | None:
    if not value:
        return None
    if value[0] in "+-":
        return today + timedelta(days=int(value))
    return date.fromisoformat(value)


def _editor():
    User = get_user_model()
    return (
        User.objects.filter(username="admin", is_superuser=True).first()
        or User.objects.filter(is_superuser=True, is_active=True).first()
    )


@transaction.atomic
def load_demo_articles(*, today: date | None = None) -> int:
    """Create and publish the demo articles whose titles are not in the base yet; returns how
    many were created. Needs the demo city (units, categories, regions, the admin user)."""
    today = today or timezone.localdate()
    actor = _editor()
    existing = set(Article.objects.values_list("title", flat=True))
    categories = dict(Category.objects.values_list("code", "pk"))
    units = dict(Department.objects.values_list("code", "pk"))
    regions = dict(Region.objects.values_list("code", "pk"))
    created = 0
    for demo in demo_articles():
        if demo.title in existing or demo.unit not in units:
            continue
        until = _until(demo.until, today)
        effective = today - timedelta(days=EFFECTIVE_DAYS_AGO)
        article = services.article_create(
            actor=actor,
            title=demo.title,
            body=demo.body,
            owner=units[demo.unit],
            keywords=demo.keywords,
            categories=[categories[c] for c in demo.categories if c in categories],
            regions=[regions[r] for r in demo.regions if r in regions],
            audience=demo.audience,
            effective_from=min(effective, until) if until else effective,
            valid_until=until,
        )
        services.article_submit(article_id=article.pk, actor=actor)
        services.article_publish(article_id=article.pk, actor=actor)
        created += 1
    return created
