"""GeoReport v2 to the letter (issue 16 §4): repeated list parameters, a request described by
its answers alone, a resident reached by e-mail alone."""

import pytest

from tickets.models import CategoryAttribute, Notification, Ticket

from . import schemas
from .test_open311 import BASE, errors_of, get_json, history, request_ids  # noqa: F401

pytestmark = pytest.mark.django_db


def test_repeated_parameters_count_like_comma_lists(client, history):  # noqa: F811
    codes = [history["other"].category.code, "housing.property.plate"]
    recent = {history[k].number for k in ("dispatched", "closed", "other")}
    repeated = client.get(f"{BASE}/requests.json", {"service_code": codes})
    assert request_ids(repeated.json()) == recent
    mixed = client.get(
        f"{BASE}/requests.json?service_code={codes[0]}&service_code=x,housing.property.plate"
        "&status=open&status=closed"
    )
    assert request_ids(mixed.json()) == recent
    ids = client.get(
        f"{BASE}/requests.json?service_request_id={history['old'].number}"
        f"&service_request_id={history['closed'].number}"
    )
    assert request_ids(ids.json()) == {history["old"].number, history["closed"].number}
    bad = client.get(f"{BASE}/requests.json?status=open&status=pending")
    assert "pending" in errors_of(bad, 400)


@pytest.fixture
def pole(category):
    return CategoryAttribute.objects.create(
        category=category, code="pole_no", datatype="string", required=True,
        description="路灯杆号", order=1,
    )  # fmt: skip


def test_answers_to_the_questions_may_stand_for_the_description(client, post_body, pole):
    body = {k: v for k, v in post_body.items() if k != "description"}
    response = client.post(f"{BASE}/requests.json", {**body, "attribute[pole_no]": "LD-0231"})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert ticket.description == "路灯杆号：LD-0231"
    assert ticket.attributes == {"pole_no": "LD-0231"}


def test_a_request_with_neither_description_nor_answers_is_refused(client, post_body, pole):
    body = {k: v for k, v in post_body.items() if k != "description"}
    text = errors_of(client.post(f"{BASE}/requests.json", body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert text.startswith("description: ")
    only_optional = {**body, "attribute[pole_no]": ""}
    pole.required = False
    pole.save()
    text = errors_of(
        client.post(f"{BASE}/requests.json", only_optional, HTTP_ACCEPT_LANGUAGE="en"), 400
    )
    assert text == "description: Describe the problem or answer its questions."
    assert Ticket.objects.count() == 0


def test_an_email_without_a_phone_keeps_the_request_named_for_email_notices(client, post_body):
    body = {k: v for k, v in post_body.items() if k != "phone"}
    response = client.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert not ticket.anonymous and ticket.contact_email == "li@example.com"
    assert ticket.contact_phone == "" and ticket.citizen is None
    assert ticket.contact_name == "李雪贞"
    notices = Notification.objects.filter(ticket=ticket)
    assert set(notices.values_list("channel", flat=True)) == {"email"}  # to contact_email


def test_without_phone_or_email_the_request_is_anonymous(client, post_body):
    body = {k: v for k, v in post_body.items() if k not in ("phone", "email")}
    response = client.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert ticket.anonymous and ticket.contact_name == "" and ticket.contact_email == ""
    assert not Notification.objects.filter(ticket=ticket).exists()


def test_a_bad_email_alone_is_a_400_naming_it(client, post_body):
    body = {k: v for k, v in post_body.items() if k != "phone"}
    text = errors_of(client.post(f"{BASE}/requests.json", {**body, "email": "not-an-address"}), 400)
    assert text.startswith("email: ")
    get_json(client, "services", schemas.SERVICES)  # still answering
