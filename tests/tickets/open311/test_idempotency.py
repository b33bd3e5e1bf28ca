"""`Idempotency-Key` on Open311's POST Service Request (an extension of GeoReport v2)."""

import pytest

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_open311_post_sent_again_with_its_key_gets_the_first_answer(client, post_body):
    url = "/open311/v2/requests.json"
    first = client.post(url, post_body, HTTP_IDEMPOTENCY_KEY="311-1")
    assert first.status_code == 201, first.content
    again = client.post(url, post_body, HTTP_IDEMPOTENCY_KEY="311-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    changed = client.post(
        url, {**post_body, "description": "路灯不亮。"}, HTTP_IDEMPOTENCY_KEY="311-1"
    )
    assert changed.status_code == 422
    (error,) = changed.json()
    assert error["code"] == 422 and "Idempotency-Key" in error["description"]


def test_open311_key_in_xml_replays_the_xml_answer(client, post_body):
    url = "/open311/v2/requests.xml"
    first = client.post(url, post_body, HTTP_IDEMPOTENCY_KEY="311-2")
    again = client.post(url, post_body, HTTP_IDEMPOTENCY_KEY="311-2")
    assert again.status_code == 201 and again.content == first.content
    assert Ticket.objects.count() == 1
