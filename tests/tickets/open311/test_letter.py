"""GeoReport v2 to the letter (issue 16 §4): repeated list parameters, a request described by
its answers alone, a resident reached by e-mail alone."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from tickets import publication, services
from tickets.models import CategoryAttribute, Notification, Ticket, TicketEvent

from . import schemas
from .test_open311 import BASE, errors_of, get_json, get_xml, history, request_ids  # noqa: F401

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


# --- GET Service Request Updates (FixMyStreet's extension) ----------------------------------


def test_updates_follow_the_public_trajectory_without_staff_text(client, lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_add_note(ticket_id=ticket.pk, actor=staff["handler"], text="内部：王先生欠费")
    services.ticket_reply(
        ticket_id=ticket.pk, actor=staff["handler"], text="已联系王建国 13812345678 安装楼牌。"
    )
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=True,
        satisfaction="satisfied", comment="王先生很满意",
    )  # fmt: skip
    body = get_json(client, "servicerequestupdates", schemas.UPDATES)
    public = TicketEvent.objects.filter(ticket=ticket, public=True).order_by("created_at", "pk")
    assert [u["update_id"] for u in body] == [str(e.pk) for e in public]
    assert {u["service_request_id"] for u in body} == {ticket.number}
    assert [u["external_status_code"] for u in body] == [e.to_status for e in public]
    assert [u["status"] for u in body][-1] == "closed" and body[0]["status"] == "open"
    with translation.override("zh-hans"):
        assert [u["description"] for u in body] == [
            publication.event_note(e.action) for e in public
        ]
    text = json.dumps(body, ensure_ascii=False)
    assert "王" not in text and "1381234" not in text and "楼牌" not in text
    assert all(u["updated_datetime"].endswith("+08:00") for u in body)


def test_updates_in_xml_as_fixmystreet_reads_them(client, lifecycle):
    ticket = lifecycle("accepted")
    root = get_xml(client, "servicerequestupdates")
    assert root.tag == "service_request_updates"
    assert {child.tag for child in root} == {"request_update"}
    first = root[0]
    assert [c.tag for c in first] == [
        "update_id", "service_request_id", "status", "updated_datetime", "description",
        "media_url", "external_status_code",
    ]  # fmt: skip
    assert first.find("service_request_id").text == ticket.number
    assert first.find("status").text == "open"


def test_updates_are_bounded_by_start_and_end_date(client, lifecycle):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        old = lifecycle("submitted")
    new = lifecycle("accepted")
    recent = get_json(client, "servicerequestupdates", schemas.UPDATES)  # the last 24 hours
    assert {u["service_request_id"] for u in recent} == {new.number}
    start = (timezone.now() - timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    window = get_json(
        client, "servicerequestupdates", schemas.UPDATES, start_date=start, end_date=end
    )
    assert [u["service_request_id"] for u in window] == [old.number]
    paged = get_json(client, "servicerequestupdates", schemas.UPDATES, page_size=1, page=2)
    assert [u["description"] for u in paged] == [recent[1]["description"]]
    for query in ({"start_date": "yesterday"}, {"start_date": end, "end_date": start}):
        errors_of(client.get(f"{BASE}/servicerequestupdates.json", query), 400)


def test_the_submission_update_carries_a_published_photo(client, with_photos, staff):
    ticket = with_photos(status="accepted", n=1)
    attachment = ticket.attachments.get()
    (submitted, *_rest) = get_json(client, "servicerequestupdates", schemas.UPDATES)
    assert submitted["media_url"] is None  # not published yet
    services.ticket_set_publication(
        ticket_id=ticket.pk,
        actor=staff["operator"],
        description="default",
        published_photos=[attachment.pk],
    )
    (submitted, *rest) = get_json(client, "servicerequestupdates", schemas.UPDATES)
    assert submitted["media_url"].startswith("http://testserver/files/")
    assert all(u["media_url"] is None for u in rest)


def test_discovery_names_the_updates_extension(client):
    body = get_json(client, "discovery", schemas.DISCOVERY)
    specifications = [e["specification"] for e in body["endpoints"]]
    assert specifications[0] == "http://wiki.open311.org/GeoReport_v2"
    assert "Open311-FMS---Proposed-differences-to-Open311" in specifications[1]


def test_updates_take_two_queries_however_many(client, lifecycle, django_assert_num_queries):
    for _ in range(3):
        lifecycle("dispatched")
    with django_assert_num_queries(2):  # the events with their tickets, the published photos
        body = client.get(f"{BASE}/servicerequestupdates.json").json()
    assert len(body) == 9
