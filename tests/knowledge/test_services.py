"""The article services: each change saves the article and one version; the workflow and the
actor are checked; bad input stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledge import services
from knowledge.models import Article, ArticleVersion
from knowledge.workflow import Action, TransitionNotAllowed
from tickets.exceptions import NotPermitted

pytestmark = pytest.mark.django_db
Status = Article.Status
TODAY = timezone.localdate


def test_create_makes_a_draft_with_version_one_and_search_words(editor, units, category, city):
    article = services.article_create(
        actor=editor,
        title="楼牌号缺失找谁",
        body="由**物业**补装。",
        owner=units["street"],
        keywords="门牌 楼号",
        categories=[category],
        regions=[city["hepingjie"]],
        note="新写",
    )
    assert article.status == Status.DRAFT and article.version == 1
    assert " 牌号 " in article.search_head and " 门牌 " in article.search_head
    assert " 物业 " in article.search_body
    [version] = article.versions.all()
    assert (version.number, version.action, version.status) == (1, Action.CREATE, Status.DRAFT)
    assert version.categories == [[category.code, category.name]]
    assert version.regions == [[city["hepingjie"].code, city["hepingjie"].name]]
    assert version.changed_by == editor and version.note == "新写"


def test_bad_input_names_the_fields_and_stores_nothing(editor, units):
    with pytest.raises(ValidationError) as error:
        services.article_create(
            actor=editor,
            title=" ",
            body="",
            owner=units["street"],
            effective_from=TODAY(),
            valid_until=TODAY() - timedelta(days=1),
            categories=[999999],
        )
    assert set(error.value.message_dict) == {"title", "body", "valid_until", "categories"}
    assert not Article.objects.exists() and not ArticleVersion.objects.exists()


def test_update_records_what_changed_and_an_unchanged_save_writes_nothing(write, editor, city):
    article = write(status=Status.DRAFT)
    services.article_update(
        article_id=article.pk,
        actor=editor,
        title="暖气不热找谁",
        regions=[city["chaoyang"]],
        note="改标题",
    )
    article.refresh_from_db()
    latest = article.versions.first()
    assert (article.version, latest.number, latest.action) == (2, 2, Action.EDIT)
    assert latest.changed_fields == ["title", "regions"] and latest.note == "改标题"
    assert latest.title == "暖气不热找谁" and " 找谁 " not in article.search_head  # stop word
    services.article_update(article_id=article.pk, actor=editor, title="暖气不热找谁")
    assert ArticleVersion.objects.filter(article=article).count() == 2


def test_the_whole_workflow_keeps_every_version(write, editor):
    article = write(status=Status.DRAFT)
    services.article_submit(article_id=article.pk, actor=editor)
    services.article_transition(
        article_id=article.pk, actor=editor, action=Action.RETURN, note="请补充材料清单"
    )
    services.article_submit(article_id=article.pk, actor=editor)
    services.article_publish(article_id=article.pk, actor=editor)
    services.article_withdraw(article_id=article.pk, actor=editor, note="政策废止")
    services.article_transition(article_id=article.pk, actor=editor, action=Action.REDRAFT)
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.published_at is not None
    assert [(v.action, v.status) for v in article.versions.order_by("number")] == [
        (Action.CREATE, Status.DRAFT),
        (Action.SUBMIT, Status.IN_REVIEW),
        (Action.RETURN, Status.DRAFT),
        (Action.SUBMIT, Status.IN_REVIEW),
        (Action.PUBLISH, Status.PUBLISHED),
        (Action.WITHDRAW, Status.WITHDRAWN),
        (Action.REDRAFT, Status.DRAFT),
    ]


def test_a_move_the_status_does_not_allow_is_refused(write, editor):
    article = write(status=Status.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        services.article_publish(article_id=article.pk, actor=editor)
    assert Article.objects.get(pk=article.pk).version == 1


def test_returning_or_withdrawing_needs_a_reason(write, editor):
    article = write()
    with pytest.raises(ValidationError) as error:
        services.article_withdraw(article_id=article.pk, actor=editor, note=" ")
    assert "note" in error.value.message_dict


def test_a_unit_writes_its_own_articles_and_its_head_reviews_them(write, staff, units):
    article = write(status=Status.DRAFT)  # owned by 和平街
    services.article_update(article_id=article.pk, actor=staff["handler"], body="新的答复")
    services.article_submit(article_id=article.pk, actor=staff["handler"])
    with pytest.raises(NotPermitted):
        services.article_publish(article_id=article.pk, actor=staff["handler"])
    with pytest.raises(NotPermitted):
        services.article_publish(article_id=article.pk, actor=staff["operator"])
    services.article_publish(article_id=article.pk, actor=staff["head"])
    # A published article is corrected by a reviewer only.
    with pytest.raises(NotPermitted):
        services.article_update(article_id=article.pk, actor=staff["handler"], body="改")
    services.article_update(article_id=article.pk, actor=staff["head"], body="更正")


def test_another_units_staff_may_not_touch_the_article(write, staff):
    article = write(status=Status.DRAFT)
    for who in ("other_handler", "bureau_handler", "analyst"):
        with pytest.raises(NotPermitted):
            services.article_update(article_id=article.pk, actor=staff[who], body="改")


def test_a_unit_above_and_the_hotline_may_write_and_review(write, staff):
    article = write(status=Status.IN_REVIEW)
    services.article_update(article_id=article.pk, actor=staff["operator"], body="热线补充")
    services.article_publish(article_id=article.pk, actor=staff["district_head"])
    services.article_withdraw(article_id=article.pk, actor=staff["supervisor"], note="过时")


def test_staff_may_not_create_articles_for_another_unit(staff, units):
    with pytest.raises(ValidationError) as error:
        services.article_create(
            actor=staff["handler"], title="标题", body="内容", owner=units["bureau"]
        )
    assert "owner" in error.value.message_dict


def test_a_public_article_with_a_mobile_or_id_number_is_not_published(write, editor):
    article = write(status=Status.IN_REVIEW, body="联系张师傅13812345678。")
    with pytest.raises(ValidationError) as error:
        services.article_publish(article_id=article.pk, actor=editor)
    assert "body" in error.value.message_dict
    internal = write("内部口径", status=Status.IN_REVIEW, audience="internal", body="13812345678")
    services.article_publish(article_id=internal.pk, actor=editor)


@pytest.mark.parametrize(
    "body", ["联系人电话138 1234 5678", "身份证号11010519491231002X", "手机：+86-139-1234-5678"]
)
def test_personal_numbers_in_any_spacing_block_publication(write, editor, body):
    """The one de-identification module finds them, however they are written."""
    article = write(status=Status.IN_REVIEW, body=body)
    with pytest.raises(ValidationError):
        services.article_publish(article_id=article.pk, actor=editor)


def test_an_offices_landline_may_be_published(write, editor):
    article = write(status=Status.IN_REVIEW, body="咨询电话：010-65123456（工作日9:00—17:00）。")
    services.article_publish(article_id=article.pk, actor=editor)


@pytest.mark.parametrize(
    ("status", "shift", "cited"),
    [
        (Status.PUBLISHED, {}, True),
        (Status.DRAFT, {}, False),
        (Status.IN_REVIEW, {}, False),
        (Status.WITHDRAWN, {}, False),
        (Status.PUBLISHED, {"valid_until": -1}, False),
        (Status.PUBLISHED, {"valid_until": 0}, True),
        (Status.PUBLISHED, {"effective_from": 1}, False),
    ],
)
def test_only_a_published_article_in_effect_can_answer_a_call(write, status, shift, cited):
    fields = {k: TODAY() + timedelta(days=v) for k, v in shift.items()}
    if "valid_until" in fields:
        fields["effective_from"] = fields["valid_until"] - timedelta(days=10)
    article = write(status=status, **fields)
    if cited:
        assert services.citable_article(article.pk) == article
    else:
        with pytest.raises(ValidationError) as error:
            services.citable_article(article)
        assert "article" in error.value.message_dict


def test_an_unknown_article_cannot_be_cited(db):
    with pytest.raises(ValidationError):
        services.citable_article(123456)


def test_reindex_recomputes_stale_search_words(write):
    from django.core.management import call_command

    article = write("暖气不热找谁")
    Article.objects.filter(pk=article.pk).update(search_head=" old ", search_body="")
    call_command("reindex_articles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    article.refresh_from_db()
    assert " 暖气 " in article.search_head and " old " not in article.search_head
