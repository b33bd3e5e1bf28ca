"""Training: what the classifier learns from, the command, the stored versions, the schedule."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from suggestions import services, sources, tasks
from suggestions.classifier import Classifier
from suggestions.models import ClassifierModel
from tickets import services as ticket_services
from tickets.models import Category, Outcome

pytestmark = pytest.mark.django_db


def test_the_command_trains_a_version_with_a_progress_bar(taxonomy):
    out, err = io.StringIO(), io.StringIO()
    call_command("train_classifier", stdout=out, stderr=err)
    row = ClassifierModel.objects.get()
    assert f"Classifier v{row.pk}:" in out.getvalue()
    assert "cold start" in out.getvalue()  # no closed tickets yet: nothing held out
    assert "reading history" in err.getvalue() and "fitting" in err.getvalue()
    assert row.is_active and row.categories == 4 and row.history_samples == 0
    assert row.seed_samples > 4 and row.top1 is None and row.size == len(row.data)


def test_a_cold_start_learns_from_names_paths_and_keywords(taxonomy):
    row = services.classifier_train()
    model = Classifier.loads(row.data)
    assert model.top("楼道里暖气片上热下凉")[0][0] == "heating.service.radiator"
    assert model.top("电梯困人了")[0][0] == "housing.property.elevator"
    assert model.top("供暖服务")[0][0].startswith("heating.service.")  # the path


def test_a_ticket_recategorised_by_the_operator_teaches_its_final_category(taxonomy, submit, staff):
    ticket = submit(description="屋里暖气片冰凉冰凉的")  # filed under 楼牌号缺失 by the resident
    ticket_services.ticket_accept(
        ticket_id=ticket.pk, actor=staff["operator"], category=taxonomy["radiator"]
    )
    ticket.refresh_from_db()
    assert ticket.category == taxonomy["radiator"]
    _walk_to_closed(ticket, staff)
    learned = list(sources.history_samples(sources.leaf_categories(), per_category=10))
    assert learned == [("屋里暖气片冰凉冰凉的", "heating.service.radiator")]


def _walk_to_closed(ticket, staff):
    from departments.models import Department

    street = Department.objects.get(code="st-110105019")
    ticket_services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=street)
    ticket_services.ticket_sign_and_contact(
        ticket_id=ticket.pk, actor=staff["handler"], method="phone"
    )
    ticket_services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已修好。")
    ticket_services.ticket_record_callback(
        ticket_id=ticket.pk,
        actor=staff["callback"],
        contacted=True,
        solved=True,
        satisfaction="satisfied",
    )


def test_open_tickets_and_invalid_ones_teach_nothing(taxonomy, lifecycle, submit, staff):
    lifecycle("replied", description="还没回访的工单")
    invalid = submit(description="打错了，不好意思")
    ticket_services.ticket_close_at_intake(
        ticket_id=invalid.pk, actor=staff["operator"], outcome=Outcome.INVALID, note="误拨"
    )
    closed = lifecycle("closed", description="楼号牌掉了")
    learned = list(sources.history_samples(sources.leaf_categories(), per_category=10))
    assert learned == [(closed.description, "housing.property.plate")]


def test_history_reads_the_newest_tickets_of_each_category_up_to_the_limit(taxonomy, lifecycle):
    for text in ("第一张楼牌", "第二张楼牌", "第三张楼牌"):
        lifecycle("closed", description=text)
    learned = list(sources.history_samples(sources.leaf_categories(), per_category=2))
    assert [text for text, _code in learned] == ["第三张楼牌", "第二张楼牌"]


def test_held_out_accuracy_is_measured_on_history_and_shown_on_the_version(
    taxonomy, lifecycle, monkeypatch
):
    monkeypatch.setattr(services, "HELDOUT_EVERY", 2)  # every second ticket held out
    for text in ("楼号牌掉了", "楼号牌没有了", "门牌号找不到", "没有楼号牌"):
        lifecycle("closed", description=text)
    row = services.classifier_train()
    assert row.history_samples == 4 and row.heldout_samples == 2
    assert row.top1 == 1.0 and row.top3 == 1.0


def test_knowledge_pairs_teach_the_classifier(taxonomy, monkeypatch):
    pairs = [("积分落户申请材料", "heating.service.radiator")] * 3
    monkeypatch.setattr(sources, "knowledge_samples", lambda: pairs)
    row = services.classifier_train()
    assert row.knowledge_samples == 3
    assert Classifier.loads(row.data).top("积分落户")[0][0] == "heating.service.radiator"


def test_inactive_categories_are_not_learned(taxonomy):
    Category.objects.filter(code="heating.service.leak").update(is_active=False)
    row = services.classifier_train()
    assert "heating.service.leak" not in Classifier.loads(row.data).classes
    assert row.categories == 3


def test_each_training_is_a_newer_version_and_old_ones_are_pruned(taxonomy, settings):
    settings.SUGGESTIONS_KEEP_VERSIONS = 2
    first = services.classifier_train()
    versions = [services.classifier_train().pk for _ in range(3)]
    assert versions == sorted(versions) and versions[0] > first.pk
    assert list(ClassifierModel.objects.values_list("pk", flat=True)) == versions[:0:-1]


def test_without_two_categories_there_is_nothing_to_learn(category):
    with pytest.raises(CommandError, match="at least two"):
        call_command("train_classifier", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ClassifierModel.objects.exists()


def test_beat_retrains_every_night_through_the_task(taxonomy):
    entry = settings.CELERY_BEAT_SCHEDULE["train-classifier"]
    assert entry["task"] == "suggestions.tasks.train_classifier"
    assert entry["task"] == tasks.train_classifier.name
    version = tasks.train_classifier()
    assert ClassifierModel.objects.get().pk == version


def test_published_articles_in_effect_teach_their_leaf_categories(taxonomy, staff, units):
    """The knowledge base feeds training: a published article in effect teaches its title,
    keywords and first paragraph under each leaf it answers for; drafts, expired articles and
    articles filed above the leaves teach nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from knowledge import services as knowledge

    editor, today = staff["supervisor"], timezone.localdate()
    radiator = Category.objects.get(code="heating.service.radiator")
    heating = Category.objects.get(code="heating.service")

    def article(title, *, categories, publish=True, **dates):
        made = knowledge.article_create(
            actor=editor,
            title=title,
            body="第一段：找供热单位。\n\n第二段不学。",
            keywords="散热器 冰凉",
            owner=units["street"],
            categories=categories,
            effective_from=today - timedelta(days=10),
            **dates,
        )
        if publish:
            knowledge.article_submit(article_id=made.pk, actor=editor)
            knowledge.article_publish(article_id=made.pk, actor=editor)

    article("暖气片冰凉找谁", categories=[radiator])
    article("草稿", categories=[radiator], publish=False)
    article("过期的", categories=[radiator], valid_until=today - timedelta(days=1))
    article("供暖总则", categories=[heating])
    assert sources.knowledge_samples() == [
        ("暖气片冰凉找谁 散热器 冰凉 第一段：找供热单位。", "heating.service.radiator")
    ]
    row = services.classifier_train()
    assert row.knowledge_samples == 1
