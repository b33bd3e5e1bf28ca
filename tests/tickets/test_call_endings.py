"""A phone call ended in one step (issue 14 §3): answered directly with an article, or recorded
and dispatched, each in one transaction through the services; the urgency follows the category
and may only be raised; the kind decides whether a call may be answered directly."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledge.models import ArticleUse
from portal.models import Citizen
from suggestions.models import SuggestionRecord
from suggestions.records import Shown
from tickets import rules, services
from tickets.exceptions import NotPermitted
from tickets.models import Kind, Notification, Ticket, TicketEvent
from tickets.workflow import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(category, city):
    """A call's fields as the desk sends them."""
    return {
        "kind": Kind.CONSULTATION,
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "请问楼牌号丢了找谁补？",
        "address": "胜古南里12号楼",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
    }


def nothing_stored():
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        Citizen.objects.count(),
        ArticleUse.objects.count(),
        Notification.objects.count(),
        SuggestionRecord.objects.count(),
    ) == (0, 0, 0, 0, 0, 0)


# -- answered directly -----------------------------------------------------------------------------


def test_a_consultation_is_recorded_and_answered_with_an_article_in_one_step(
    staff, call, write, django_capture_on_commit_callbacks
):
    article = write("楼牌号缺失找谁补办")
    token = Shown(None, (("housing.property.plate", 0.8),)).token()
    with django_capture_on_commit_callbacks(execute=False):
        ticket = services.ticket_answer_call(
            actor=staff["operator"], article=article.pk, suggestion=token, **call
        )
    ticket.refresh_from_db()
    assert (ticket.channel, ticket.status, ticket.outcome) == ("phone", "closed", "answered")
    actions = list(ticket.events.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.PHONE_INTAKE, Action.ANSWER_DIRECTLY]
    answered = ticket.events.get(action=Action.ANSWER_DIRECTLY)
    assert answered.data["article"] == article.pk
    assert ArticleUse.objects.get().ticket == ticket
    record = SuggestionRecord.objects.get()
    assert record.ticket == ticket and record.rank == 1
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {Notification.Kind.ACCEPTED, Notification.Kind.ANSWERED}


@pytest.mark.parametrize("kind", [k for k in Kind.values if k != Kind.CONSULTATION])
def test_only_a_consultation_is_answered_directly_and_nothing_is_stored_otherwise(
    staff, call, write, kind
):
    article = write()
    with pytest.raises(ValidationError) as refused:
        services.ticket_answer_call(
            actor=staff["operator"], article=article.pk, **{**call, "kind": kind}
        )
    assert "kind" in refused.value.message_dict
    assert nothing_stored()


def test_an_expired_article_is_refused_before_anything_is_stored(staff, call, write):
    today = timezone.localdate()
    old = write(effective_from=today - timedelta(days=9), valid_until=today - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.ticket_answer_call(actor=staff["operator"], article=old.pk, **call)
    assert list(refused.value.message_dict) == ["article"]
    assert nothing_stored()


def test_every_error_of_the_call_and_its_ending_is_named_at_once(staff, call):
    with pytest.raises(ValidationError) as refused:
        services.ticket_answer_call(
            actor=staff["operator"],
            article=999999,
            **{**call, "kind": Kind.COMPLAINT, "contact_phone": "12"},
        )
    assert set(refused.value.message_dict) == {"article", "kind", "contact_phone"}
    assert nothing_stored()


def test_a_failing_answer_step_rolls_the_recorded_call_back(staff, call, write, monkeypatch):
    """The answering step fails inside the transaction (the article was withdrawn between the
    check and the answer): the call is not left recorded without its ending."""
    article = write()
    calls = {"n": 0}
    real = services.knowledge.citable_article

    def withdrawn_on_second_look(value, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise ValidationError({"article": ["已撤回"]})
        return real(value, **kwargs)

    monkeypatch.setattr(services.knowledge, "citable_article", withdrawn_on_second_look)
    with pytest.raises(ValidationError):
        services.ticket_answer_call(actor=staff["operator"], article=article.pk, **call)
    assert calls["n"] == 2 and nothing_stored()


def test_staff_who_do_not_take_calls_cannot_answer_one(staff, call, write):
    article = write()
    with pytest.raises(NotPermitted):
        services.ticket_answer_call(actor=staff["handler"], article=article.pk, **call)
    assert nothing_stored()


# -- dispatched at once --------------------------------------------------------------------------


def test_a_dispatcher_records_and_dispatches_a_call_in_one_step(staff, call, units):
    ticket = services.ticket_dispatch_call(
        actor=staff["dispatcher"], lead=units["street"], **{**call, "kind": Kind.HELP}
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_unit) == ("dispatched", units["street"])
    actions = list(ticket.events.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.PHONE_INTAKE, Action.DISPATCH]
    assert ticket.reply_due_at is not None


def test_an_operator_may_not_dispatch_and_nothing_is_stored(staff, call, units):
    with pytest.raises(NotPermitted):
        services.ticket_dispatch_call(actor=staff["operator"], lead=units["street"], **call)
    assert nothing_stored()


@pytest.mark.parametrize("lead", ["", "no-such-unit", "hotline"])
def test_a_unit_that_cannot_handle_tickets_is_refused_before_anything_is_stored(
    staff, call, units, lead
):
    with pytest.raises(ValidationError) as refused:
        services.ticket_dispatch_call(actor=staff["dispatcher"], lead=lead, **call)
    assert list(refused.value.message_dict) == ["lead"]
    assert nothing_stored()


# -- kind and urgency ------------------------------------------------------------------------------


def test_the_kind_must_be_chosen(staff, call):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create_from_call(actor=staff["operator"], **{**call, "kind": ""})
    assert "kind" in refused.value.message_dict
    assert nothing_stored()


def test_the_urgency_follows_the_category_and_may_be_raised(staff, call, urgency):
    # 楼牌号缺失 is a general-class leaf (rank 3)
    plain = services.ticket_create_from_call(actor=staff["operator"], **call)
    assert plain.urgency == urgency["general"]
    raised = services.ticket_create_from_call(
        actor=staff["operator"], urgency=urgency["emergency"], **call
    )
    assert raised.urgency == urgency["emergency"]
    assert raised.dispatch_due_at - raised.accepted_at == timedelta(hours=1)


def test_the_urgency_may_not_be_lowered_below_the_categorys(staff, call, urgency):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create_from_call(
            actor=staff["operator"], urgency=urgency["complex"], **call
        )
    assert list(refused.value.message_dict) == ["urgency"]
    assert nothing_stored()


def test_the_urgency_rule_allows_the_category_class_and_every_more_urgent_one(category, urgency):
    classes = sorted(urgency.values(), key=lambda u: u.rank)
    allowed = rules.urgencies_allowed(category, classes)
    assert [u.code for u in allowed] == ["emergency", "utilities", "general"]
    assert rules.urgency_refusal(category, None) is None
    assert "一般类" in rules.urgency_refusal(category, urgency["complex"])


def test_only_consultations_may_end_answered_and_every_kind_may_end_dispatched():
    now = timezone.now()
    answerable = [
        k for k in Kind.values if not rules.refusal_for_call(k, Action.ANSWER_DIRECTLY, now=now)
    ]
    assert answerable == [Kind.CONSULTATION]
    assert all(not rules.refusal_for_call(k, Action.DISPATCH, now=now) for k in Kind.values)
