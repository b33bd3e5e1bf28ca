"""Answering a consultation with a knowledge-base article: through the service, the admin's
form and the API; the citation, the use counted, the resident's notice with the public link;
and every refusal storing nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from knowledge.models import Article, ArticleUse
from portal.presenters import timeline
from tests.tickets.api.problems import error_fields
from tickets import notice_texts, services
from tickets.exceptions import RuleViolation
from tickets.models import Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
Status = Article.Status


def last_event(ticket):
    return TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk").last()


def test_answering_with_an_article_cites_it_counts_it_and_links_it(consultation, write, staff):
    article = write("楼牌号缺失找谁")
    ticket = consultation()
    ticket = services.ticket_answer_directly(
        ticket_id=ticket.pk, actor=staff["operator"], article=article.pk
    )
    assert ticket.status == "closed" and ticket.outcome == "answered"
    assert ticket.reply_text == "楼牌号缺失找谁"
    event = last_event(ticket)
    assert event.public and event.note == ""  # no staff free text goes public
    assert event.data == {
        "article": article.pk,
        "article_title": "楼牌号缺失找谁",
        "article_url": f"/faq/{article.pk}/",
    }
    article.refresh_from_db()
    assert article.usage_count == 1
    use = ArticleUse.objects.get()
    assert (use.article, use.ticket, use.actor) == (article, ticket, staff["operator"])
    [step] = timeline([event])
    assert "楼牌号缺失找谁" in step.title and step.link == f"/faq/{article.pk}/"


def test_the_residents_sms_carries_the_articles_public_link(consultation, write, staff):
    article = write()
    ticket = consultation(contact_email="resident@example.org")
    services.ticket_answer_directly(
        ticket_id=ticket.pk, actor=staff["operator"], article=article, answer="请联系供热单位。"
    )
    rows = Notification.objects.filter(ticket=ticket, kind=Notification.Kind.ANSWERED)
    assert set(rows.values_list("channel", flat=True)) == {"sms", "email"}
    sms = notice_texts.render(rows.get(channel="sms")).body
    assert sms.endswith(f"/faq/{article.pk}/") and ticket.number in sms
    assert "13812345678" not in sms and "请联系供热单位" not in sms  # no free text in an SMS
    email = notice_texts.render(rows.get(channel="email"))
    assert f"/faq/{article.pk}/" in email.body and "请联系供热单位。" in email.body


def test_an_internal_article_sends_the_tracking_link_instead(consultation, write, staff):
    article = write(audience="internal")
    ticket = consultation()
    services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], article=article)
    sms = notice_texts.render(Notification.objects.get(ticket=ticket, kind="answered")).body
    assert "/faq/" not in sms and f"/track/?number={ticket.number}" in sms


def test_without_an_article_the_answer_is_still_required(consultation, staff):
    ticket = consultation()
    with pytest.raises(ValidationError) as error:
        services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], answer=" ")
    assert "answer" in error.value.message_dict
    services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], answer="已答复")
    assert last_event(Ticket.objects.get(pk=ticket.pk)).data == {}


@pytest.mark.parametrize(
    "make",
    [
        lambda write, today: write(status=Status.DRAFT),
        lambda write, today: write(status=Status.IN_REVIEW),
        lambda write, today: write(status=Status.WITHDRAWN),
        lambda write, today: write(
            effective_from=today - timedelta(days=30), valid_until=today - timedelta(days=1)
        ),
        lambda write, today: write(effective_from=today + timedelta(days=3)),
        lambda write, today: 987654,
    ],
    ids=["draft", "in review", "withdrawn", "expired", "not yet in effect", "unknown"],
)
def test_an_article_that_cannot_answer_is_refused_and_nothing_is_stored(
    consultation, write, staff, make
):
    article = make(write, timezone.localdate())
    ticket = consultation()
    with pytest.raises(ValidationError) as error:
        services.ticket_answer_directly(
            ticket_id=ticket.pk, actor=staff["operator"], article=article, answer="x"
        )
    assert "article" in error.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).status == "submitted"
    assert not ArticleUse.objects.exists()
    assert not Article.objects.filter(usage_count__gt=0).exists()


def test_a_complaint_is_not_answered_even_with_an_article(submit, write, staff):
    article = write()
    ticket = submit(kind="complaint")
    with pytest.raises(RuleViolation):
        services.ticket_answer_directly(
            ticket_id=ticket.pk, actor=staff["operator"], article=article
        )
    assert Article.objects.get(pk=article.pk).usage_count == 0


def test_a_handler_may_not_answer_directly(consultation, write, staff):
    from tickets.exceptions import NotPermitted

    ticket, article = consultation(), write()
    with pytest.raises(NotPermitted):
        services.ticket_answer_directly(
            ticket_id=ticket.pk, actor=staff["handler"], article=article
        )


# --- the admin's form --------------------------------------------------------------------------


def action_url(ticket):
    return reverse("admin:tickets_ticket_act", args=[ticket.pk, "answer-directly"])


def test_the_admin_form_preselects_the_best_article_and_answers_with_it(
    client, consultation, write, staff
):
    best = write("楼牌号缺失找谁", keywords="楼牌号 外卖 找不到")
    write("暖气不热怎么报修")
    ticket = consultation()
    client.force_login(staff["operator"])
    page = client.get(action_url(ticket))
    assert page.status_code == 200
    assert page.context["form"].initial["article"] == best.pk
    assert b"admin/js/autocomplete.js" in page.content  # the picker's script is on the page
    response = client.post(action_url(ticket), {"article": best.pk, "answer": ""})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    assert Article.objects.get(pk=best.pk).usage_count == 1


def test_the_admin_form_shows_the_refusal_of_an_expired_article(client, consultation, write, staff):
    today = timezone.localdate()
    old = write(effective_from=today - timedelta(days=9), valid_until=today - timedelta(days=2))
    ticket = consultation()
    client.force_login(staff["operator"])
    response = client.post(action_url(ticket), {"article": old.pk, "answer": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["article"]
    assert Ticket.objects.get(pk=ticket.pk).status == "submitted"


def test_the_picker_marks_expired_and_internal_articles(client, write, staff):
    today = timezone.localdate()
    write("暖气不热怎么报修")
    write(
        "暖气不热 旧口径",
        effective_from=today - timedelta(days=9),
        valid_until=today - timedelta(days=1),
    )
    write("暖气不热 内部", audience="internal")
    write("暖气不热 草稿", status=Status.DRAFT)
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:knowledge_article_pick"), {"term": "暖气不热"})
    texts = [r["text"] for r in response.json()["results"]]
    assert len(texts) == 3 and not any("草稿" in t for t in texts)
    with translation.override(settings.LANGUAGE_CODE):  # the language the view answered in
        expired, internal = gettext("[expired, do not use]"), gettext("[internal]")
    assert any(t.startswith(expired) and "旧口径" in t for t in texts)
    assert any(t.startswith(internal) and "暖气不热 内部" in t for t in texts)


def test_the_picker_is_closed_to_anonymous_users(client):
    response = client.get(reverse("admin:knowledge_article_pick"), {"term": "暖气"})
    assert response.status_code == 302  # to the login page


# --- the API -----------------------------------------------------------------------------------


def test_the_api_answers_with_an_article_id(as_staff, consultation, write):
    article = write()
    ticket = consultation()
    response = as_staff("operator").post(
        f"/api/v1/tickets/{ticket.number}/answer-directly/", {"article": article.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert Article.objects.get(pk=article.pk).usage_count == 1


def test_the_api_refuses_an_expired_article_naming_the_field(as_staff, consultation, write):
    today = timezone.localdate()
    old = write(effective_from=today - timedelta(days=9), valid_until=today - timedelta(days=1))
    ticket = consultation()
    response = as_staff("operator").post(
        f"/api/v1/tickets/{ticket.number}/answer-directly/", {"article": old.pk}, format="json"
    )
    assert response.status_code == 400
    assert "article" in error_fields(response)
    assert Ticket.objects.get(pk=ticket.pk).status == "submitted"


def test_the_staff_ticket_page_names_the_article_cited(client, consultation, write, staff):
    article = write("楼牌号缺失找谁")
    ticket = consultation()
    services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], article=article)
    client.force_login(staff["operator"])
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert f'href="/faq/{article.pk}/">楼牌号缺失找谁</a>' in page.content.decode()
