"""Search: the demo knowledge base answers common questions with the right article first (on
whichever database the suite runs: PostgreSQL's GIN index or SQLite's scan, one scoring), and
the one selector's filters: audience, validity, status, place and category."""

from datetime import timedelta

import pytest
from django.utils import timezone

from departments.models import Department, Region
from knowledge.demo.loader import demo_articles, load_demo_articles
from knowledge.models import Article
from knowledge.selectors import article_pick, article_search
from tests.factories import DepartmentFactory, RegionFactory, UserFactory

from .questions import QUESTIONS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def demo_base(city):
    UserFactory(username="admin", is_superuser=True)
    for code in {a.unit for a in demo_articles()}:
        DepartmentFactory(code=code, name=code)
    beijing = city["beijing"]
    for code, name in [("110108", "海淀区"), ("110101", "东城区")]:
        RegionFactory(code=code, name=name, level=Region.Level.DISTRICT, parent=beijing)
    RegionFactory(
        code="110105007", name="和平街街道", level=Region.Level.STREET, parent=city["chaoyang"]
    )
    assert load_demo_articles() == len(demo_articles())


def test_common_questions_find_the_right_article_first(demo_base):
    wrong = []
    for query, title in QUESTIONS:
        found = article_search(query=query, audience="public")
        if not found or found[0].title != title:
            wrong.append((query, [a.title for a in found[:3]]))
    assert not wrong, wrong


def test_a_search_reads_one_query_once_its_words_are_counted(demo_base, django_assert_num_queries):
    with django_assert_num_queries(3):  # the corpus size, the words' frequencies, the list
        article_search(query="非京籍 入学 材料", audience="staff")
    with django_assert_num_queries(1):  # the statistics are cached for a while
        article_search(query="非京籍 材料 入学", audience="public")


def test_the_callers_place_brings_its_local_article_first(demo_base):
    chaoyang = Region.objects.get(code="110105")
    haidian = Region.objects.get(code="110108")
    [first, *_] = article_search(query="非京籍 入学 材料", region=chaoyang)
    assert first.title == "朝阳区非京籍儿童入学材料审核地点和时间"
    titles = [a.title for a in article_search(query="非京籍 入学 材料", region=haidian, limit=10)]
    assert "朝阳区非京籍儿童入学材料审核地点和时间" not in titles


def test_staff_search_finds_internal_articles_and_the_public_never(demo_base):
    query = "供暖 室温 派单 口径"
    assert article_search(query=query, audience="staff")[0].title.startswith("话务口径")
    assert all(a.audience == "public" for a in article_search(query=query, audience="public"))
    resident = UserFactory(username="resident", is_staff=False)
    found = article_search(query=query, audience="staff", user=resident)
    assert all(a.audience == "public" for a in found)


def test_expired_articles_are_searched_by_no_one_but_picked_marked(demo_base, staff):
    query = "医保 起付线 调整"
    old = Article.objects.get(title="医保年度起付线调整说明（旧版）")
    assert old.expired()
    assert old not in article_search(query=query, audience="staff")
    assert old in article_pick(term=query, user=staff["operator"])


def test_empty_or_stop_word_queries_find_nothing_without_a_category():
    assert article_search(query="") == []
    assert article_search(query="怎么办 找谁") == []


@pytest.fixture
def one_of_each(write):
    today = TODAY()
    return {
        "public": write("暖气不热怎么报修"),
        "internal": write("暖气不热 内部口径", audience="internal"),
        "draft": write("暖气不热 草稿", status=Article.Status.DRAFT),
        "withdrawn": write("暖气不热 已撤回", status=Article.Status.WITHDRAWN),
        "expired": write(
            "暖气不热 已过期",
            effective_from=today - timedelta(days=40),
            valid_until=today - timedelta(days=1),
        ),
        "future": write("暖气不热 未生效", effective_from=today + timedelta(days=1)),
    }


def test_only_published_articles_in_effect_are_found(one_of_each):
    public = set(article_search(query="暖气不热", audience="public", limit=10))
    staff = set(article_search(query="暖气不热", audience="staff", limit=10))
    assert public == {one_of_each["public"]}
    assert staff == {one_of_each["public"], one_of_each["internal"]}


def test_a_category_lists_its_articles_without_words_and_ranks_them_first(write, category):
    other = write("暖气不热怎么报修", categories=[])
    about = write("楼号看不清", categories=[category.parent])  # the category above
    assert article_search(query="", category=category) == [about]
    assert article_search(query="暖气 楼号", category=category)[0] == about
    assert article_search(query="暖气 楼号")[0] in {about, other}


def test_a_unit_in_the_city_data_exists_for_every_demo_article():
    from portal.demo.city_data import all_leaves, all_units

    units = {u.code for u in all_units()} | {"hotline", "st-110105007"}  # 和平街街道办事处
    leaves = {leaf.code for leaf in all_leaves()}
    articles = demo_articles()
    assert len(articles) >= 150
    for article in articles:
        assert article.unit in units, article.title
        assert article.categories and set(article.categories) <= leaves, article.title
        assert article.body and article.keywords, article.title
    assert len({a.title for a in articles}) == len(articles)
    assert Department  # (imported for the fixture's units)
