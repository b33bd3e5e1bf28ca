"""The residents' FAQ (/faq/) and the articles shown on step 2 of /submit/: only public,
published articles in effect; safe rendering; the public pages' CSP."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.models import Article

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def shelf(write):
    today = timezone.localdate()
    return {
        "public": write(
            "暖气不热怎么报修", body="## 步骤\n\n1. 联系**供热单位**\n\n<script>x</script>"
        ),
        "internal": write("暖气不热 内部口径", audience="internal"),
        "draft": write("暖气不热 草稿", status=Status.DRAFT),
        "withdrawn": write("暖气不热 已撤回", status=Status.WITHDRAWN),
        "expired": write(
            "暖气不热 已过期",
            effective_from=today - timedelta(days=30),
            valid_until=today - timedelta(days=1),
        ),
        "future": write("暖气不热 未生效", effective_from=today + timedelta(days=2)),
    }


def titles(response):
    return [article.title for article, _excerpt in response.context["articles"]]


def test_the_list_shows_only_public_published_articles_in_effect(client, shelf):
    response = client.get("/faq/")
    assert response.status_code == 200
    assert titles(response) == ["暖气不热怎么报修"]


def test_search_finds_the_public_article_and_nothing_else(client, shelf):
    response = client.get("/faq/", {"q": "暖气不热找谁"})
    assert titles(response) == ["暖气不热怎么报修"]
    assert client.get("/faq/", {"q": "完全无关的词语"}).context["articles"] == []


@pytest.mark.parametrize("which", ["internal", "draft", "withdrawn", "expired", "future"])
def test_an_article_not_public_now_is_a_404_by_its_id(client, shelf, which):
    assert client.get(f"/faq/{shelf[which].pk}/").status_code == 404


def test_an_article_page_renders_markdown_safely_under_the_public_csp(client, shelf):
    response = client.get(f"/faq/{shelf['public'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>步骤</h2>" in html and "<strong>供热单位</strong>" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert 'style="' not in html


def test_a_topic_lists_its_articles(client, shelf, category):
    response = client.get("/faq/", {"topic": category.parent.parent.code})
    assert titles(response) == ["暖气不热怎么报修"]
    assert client.get("/faq/", {"topic": "nonexistent"}).status_code == 200


def test_an_overlong_query_is_cut_not_refused(client, shelf):
    response = client.get("/faq/", {"q": "暖气" * 200})
    assert response.status_code == 200 and len(response.context["query"]) == 100


def test_step_two_of_submit_shows_the_articles_for_the_chosen_category(client, shelf, where, tree):
    response = client.post("/submit/", {**where, "kind": "consultation", "step": "1", "_next": "1"})
    assert response.status_code == 200 and response.context["step"] == 2
    html = response.content.decode()
    assert f'href="/faq/{shelf["public"].pk}/"' in html
    for hidden in ("internal", "draft", "withdrawn", "expired", "future"):
        assert f'href="/faq/{shelf[hidden].pk}/"' not in html


def test_step_two_shows_nothing_when_no_article_matches(client, where, tree):
    response = client.post("/submit/", {**where, "step": "1", "_next": "1"})
    assert response.context["step"] == 2
    assert b"faq-suggestions" not in response.content


def test_the_faq_page_reads_a_fixed_number_of_queries(client, shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/faq/", {"q": "暖气不热"})
