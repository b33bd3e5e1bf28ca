"""Articles in the admin, per role: who sees which, who may write and review, and every save
through the services (a version each)."""

import pytest
from django.urls import reverse

from departments.roles import sync_role_groups
from knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db
Status = Article.Status
LIST = "admin:knowledge_article_changelist"


@pytest.fixture
def signed_in(client, staff):
    """Sign a conftest staff user in, with their role's permission group."""
    groups = sync_role_groups()

    def login(who):
        user = staff[who]
        for _unit, role in user.memberships.values_list("department", "role"):
            user.groups.add(groups[role])
        client.force_login(user)
        return client

    return login


def change_url(article):
    return reverse("admin:knowledge_article_change", args=[article.pk])


def form_data(article, **overrides):
    data = {
        "title": article.title,
        "body": article.body,
        "keywords": article.keywords,
        "categories": [c.pk for c in article.categories.all()],
        "regions": [r.pk for r in article.regions.all()],
        "owner": article.owner_id,
        "audience": article.audience,
        "effective_from": article.effective_from.isoformat(),
        "valid_until": article.valid_until.isoformat() if article.valid_until else "",
        "change_note": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def test_a_unit_lists_its_own_articles_and_the_hotline_all(signed_in, write, units):
    ours = write("和平街的文章")
    theirs = write("住建委的文章", owner=units["bureau"])
    listed = signed_in("handler").get(reverse(LIST)).context["cl"].result_list
    assert list(listed) == [ours]
    listed = signed_in("operator").get(reverse(LIST)).context["cl"].result_list
    assert set(listed) == {ours, theirs}
    # A unit above sees the articles of the units under it.
    listed = signed_in("district_head").get(reverse(LIST)).context["cl"].result_list
    assert list(listed) == [ours]
    assert signed_in("handler").get(change_url(theirs)).status_code == 302  # "does not exist"


def test_analysts_have_no_article_pages(signed_in, write):
    write()
    assert signed_in("analyst").get(reverse(LIST)).status_code == 403


def test_a_handler_writes_a_draft_for_their_unit_only(signed_in, units, category):
    client = signed_in("handler")
    page = client.get(reverse("admin:knowledge_article_add"))
    assert list(page.context["adminform"].form.fields["owner"].queryset) == [units["street"]]
    data = {
        "title": "楼牌号缺失找谁",
        "body": "由物业补装。",
        "keywords": "门牌",
        "categories": [category.pk],
        "owner": units["street"].pk,
        "audience": "public",
        "effective_from": "2026-01-01",
        "valid_until": "",
        "change_note": "首版",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:knowledge_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.status == Status.DRAFT and list(article.categories.all()) == [category]
    assert article.versions.get().note == "首版"
    response = client.post(
        reverse("admin:knowledge_article_add"), {**data, "owner": units["bureau"].pk}
    )
    assert response.status_code == 200 and Article.objects.count() == 1


def test_edit_and_submit_in_one_click_writes_two_versions(signed_in, write):
    article = write(status=Status.DRAFT)
    client = signed_in("handler")
    response = client.post(
        change_url(article), form_data(article, body="新答复", _workflow_submit="1")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.body == "新答复"
    assert list(article.versions.order_by("number").values_list("action", flat=True)) == [
        "create",
        "edit",
        "submit",
    ]


def test_only_a_reviewer_gets_and_may_use_the_publish_button(signed_in, write):
    article = write(status=Status.IN_REVIEW)
    page = signed_in("handler").get(change_url(article))
    assert [name for name, _label in page.context["workflow_buttons"]] == []
    response = signed_in("handler").post(
        change_url(article), form_data(article, _workflow_publish="1")
    )
    assert (
        response.status_code == 200
        and Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    )
    page = signed_in("head").get(change_url(article))
    assert [n for n, _l in page.context["workflow_buttons"]] == [
        "_workflow_publish",
        "_workflow_return",
    ]
    response = signed_in("head").post(
        change_url(article), form_data(article, _workflow_publish="1")
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_withdrawing_needs_a_note(signed_in, write):
    article = write()
    client = signed_in("supervisor")
    response = client.post(change_url(article), form_data(article, _workflow_withdraw="1"))
    assert response.status_code == 200 and response.context["adminform"].form.errors["change_note"]
    response = client.post(
        change_url(article), form_data(article, _workflow_withdraw="1", change_note="政策已废止")
    )
    assert Article.objects.get(pk=article.pk).status == Status.WITHDRAWN
    assert ArticleVersion.objects.filter(article=article).first().note == "政策已废止"


def test_a_published_article_is_read_only_for_its_handler(signed_in, write):
    article = write()
    page = signed_in("handler").get(change_url(article))
    assert "body" in page.context["adminform"].readonly_fields
    page = signed_in("head").get(change_url(article))
    assert "body" not in page.context["adminform"].readonly_fields


def test_articles_are_never_deleted(signed_in, write):
    article = write()
    response = signed_in("supervisor").post(
        reverse("admin:knowledge_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and Article.objects.filter(pk=article.pk).exists()


def test_the_list_marks_expired_articles(signed_in, write):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    write("旧文章", effective_from=today - timedelta(days=9), valid_until=today - timedelta(days=1))
    response = signed_in("operator").get(reverse(LIST), {"validity": "expired"})
    assert b"article-expired" in response.content
    assert len(response.context["cl"].result_list) == 1
