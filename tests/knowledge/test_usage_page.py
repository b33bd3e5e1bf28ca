"""The knowledge-base use page for the hotline and analysts (admin › Analytics)."""

import pytest
from django.urls import reverse

from tickets import services

pytestmark = pytest.mark.django_db
URL = "admin:analytics_knowledge"


def answer(consultation, article, staff):
    ticket = consultation()
    services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], article=article)


def test_uses_are_counted_per_article_in_the_period_and_in_all(client, write, consultation, staff):
    popular, unused = write("暖气不热怎么报修"), write("楼牌号缺失找谁")
    for _ in range(3):
        answer(consultation, popular, staff)
    client.force_login(staff["analyst"])
    response = client.get(reverse(URL))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row[0]["text"] for row in rows] == ["暖气不热怎么报修", "楼牌号缺失找谁"]
    assert rows[0][4:6] == [3, 3] and rows[1][4:6] == [0, 0]
    assert unused.usage_count == 0
    csv = client.get(reverse(URL), {"format": "csv"})
    assert "暖气不热怎么报修" in csv.content.decode("utf-8-sig")


def test_a_period_without_uses_counts_none_in_it(client, write, consultation, staff):
    article = write()
    answer(consultation, article, staff)
    client.force_login(staff["analyst"])
    rows = client.get(reverse(URL), {"first": "2020-01-01", "last": "2020-01-31"}).context["rows"]
    assert rows[0][4:6] == [0, 1]


def test_the_page_is_for_the_hotline_and_analysts_only(client, staff):
    client.force_login(staff["handler"])
    assert client.get(reverse(URL)).status_code == 403
