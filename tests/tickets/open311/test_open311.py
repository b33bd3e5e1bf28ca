"""GeoReport v2: every method in JSON (validated against the spec's schemas) and XML (parsed,
element names checked), every error case of the spec, the filters and our extensions."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import jsonschema
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from clients.models import Submission
from clients.services import api_client_create, api_client_revoke
from tests.conftest import image_bytes
from tickets import publication, services
from tickets.models import CategoryAttribute, Ticket
from tickets.open311 import params

from . import schemas

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def get_json(client, path, schema, expect=200, **query):
    response = client.get(f"{BASE}/{path}.json", query)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    jsonschema.validate(body, schema)
    return body


def get_xml(client, path, expect=200, **query):
    response = client.get(f"{BASE}/{path}.xml", query)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def names(element) -> list[str]:
    return [child.tag for child in element]


@pytest.fixture
def questions(category):
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", required=True, order=5,
        description="Which building?", datatype_description="e.g. 12号楼",
    )  # fmt: skip
    CategoryAttribute.objects.create(
        category=category, code="sides", datatype="multivaluelist", order=9,
        description="Where is the plate missing?",
        values=[{"key": "n", "name": "north"}, {"key": "s", "name": "south"}],
    )  # fmt: skip
    CategoryAttribute.objects.create(
        category=category, code="note", datatype="text", variable=False, order=1,
        description="Plates are installed by the street office.",
    )  # fmt: skip


# --- discovery and services ---------------------------------------------------------------


def test_discovery_in_both_formats(client):
    body = get_json(client, "discovery", schemas.DISCOVERY)
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2"
    root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert names(root) == ["changeset", "contact", "key_service", "endpoints", "extensions"]
    endpoint = root.find("endpoints/endpoint")
    assert names(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]


def test_service_list(client, category, questions):
    (service,) = get_json(client, "services", schemas.SERVICES)
    assert service == {
        "service_code": "housing.property.plate",
        "service_name": "楼牌号缺失",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "物业管理",
        "group": "住房",
    }
    root = get_xml(client, "services")
    assert root.tag == "services" and names(root) == ["service"]
    assert names(root[0]) == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert root[0].find("metadata").text == "true"


def test_service_without_questions_has_no_metadata(client, category):
    (service,) = get_json(client, "services", schemas.SERVICES)
    assert service["metadata"] is False


def test_service_list_without_suffix_is_xml(client, category):
    response = client.get(f"{BASE}/services")
    assert response["Content-Type"] == "text/xml; charset=utf-8"


def test_service_definition(client, category, questions):
    body = get_json(client, f"services/{category.code}", schemas.SERVICE_DEFINITION)
    assert body["service_code"] == category.code
    assert [(a["code"], a["order"], a["variable"]) for a in body["attributes"]] == [
        ("note", 1, False),
        ("building", 2, True),
        ("sides", 3, True),
    ]
    assert body["attributes"][2]["values"] == [
        {"key": "n", "name": "north"},
        {"key": "s", "name": "south"},
    ]
    root = get_xml(client, f"services/{category.code}")
    assert root.tag == "service_definition" and names(root) == ["service_code", "attributes"]
    attribute = root.find("attributes")[2]
    assert names(attribute) == [
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    ]  # fmt: skip
    assert [names(v) for v in attribute.find("values")] == [["key", "name"], ["key", "name"]]


# --- POST Service Request -----------------------------------------------------------------


def test_post_request_creates_an_open311_ticket(
    client, post_body, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{BASE}/requests.json", post_body)
    assert response.status_code == 201, response.content
    (created,) = response.json()
    jsonschema.validate(response.json(), schemas.CREATED)
    ticket = Ticket.objects.get(number=created["service_request_id"])
    assert (ticket.status, ticket.channel, ticket.kind) == ("submitted", "open311", "help")
    assert ticket.community.code == "110105019001"  # placed from the address string
    assert ticket.contact_name == "李雪贞" and ticket.contact_phone == "13812345678"
    assert ticket.contact_email == "li@example.com"
    assert str(ticket.latitude) == "39.970000"
    submission = Submission.objects.get(ticket=ticket)
    assert submission.channel == "open311" and submission.media_url.endswith("plate.jpg")
    assert (submission.device_id, submission.account_id) == ("tt222111", "123456")
    assert created["account_id"] == "123456" and ticket.access_code in created["service_notice"]
    assert len(callbacks) == 2  # the resident's notices are delivered, ticket_changed sent


def test_post_in_xml(client, post_body):
    response = client.post(f"{BASE}/requests.xml", post_body)
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and names(root) == ["request"]
    assert names(root[0]) == ["service_request_id", "service_notice", "account_id"]


def test_post_with_address_id_and_attributes_including_a_multi_value_list(
    client, post_body, questions
):
    body = {
        **post_body,
        "address_id": "110105003",
        "attribute[building]": "12号楼",
        "attribute[sides][]": ["n", "s"],
    }
    del body["address_string"]
    response = client.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert ticket.region.code == "110105003"
    assert ticket.attributes == {"building": "12号楼", "sides": ["n", "s"]}


def test_post_with_multipart_media(client, post_body, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("p.jpg", image_bytes(exif_gps=True), "image/jpeg")
    response = client.post(f"{BASE}/requests.json", {**post_body, "media": photo})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert ticket.attachments.count() == 1


def errors_of(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    jsonschema.validate(body, schemas.ERRORS)
    return " ".join(e["description"] for e in body)


@pytest.mark.parametrize(
    ("change", "status", "mentions"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "ck_wrong"}, 403, "api_key"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "sfgov.org"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "potholes"}, 404, "potholes"),
        ({"address_string": None, "lat": None, "long": None}, 400, "location"),
        ({"address_string": None}, 400, "lat/long"),
        ({"address_string": "Springfield"}, 400, "address_string"),
        ({"address_string": None, "address_id": "999"}, 400, "address_id"),
        ({"phone": "555-1234"}, 400, "phone"),
        ({"email": "nobody"}, 400, "email"),
        ({"media_url": "not a url"}, 400, "media_url"),
        ({"lat": "north"}, 400, "lat"),
        ({"description": None}, 400, "description"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]"),
    ],
)
def test_post_errors(client, post_body, change, status, mentions):
    body = {**post_body, **{k: v for k, v in change.items() if v is not None}}
    body = {k: v for k, v in body.items() if not (k in change and change[k] is None)}
    text = errors_of(client.post(f"{BASE}/requests.json", body), status)
    assert mentions in text
    assert not Ticket.objects.exists()


def test_post_missing_required_attribute_is_400(client, post_body, questions):
    assert "attribute[building]" in errors_of(client.post(f"{BASE}/requests.json", post_body), 400)


def test_revoked_or_unauthorised_key_is_403(client, post_body):
    _client_row, key = api_client_create(name="reader", allowed_actions=[])
    text = errors_of(client.post(f"{BASE}/requests.json", {**post_body, "api_key": key}), 403)
    assert "api_key" in text
    other, key = api_client_create(name="gone")
    api_client_revoke(client=other)
    errors_of(client.post(f"{BASE}/requests.json", {**post_body, "api_key": key}), 403)


def test_errors_in_xml(client, post_body):
    response = client.post(f"{BASE}/requests.xml", {**post_body, "api_key": "ck_wrong"})
    assert response.status_code == 403
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and names(root[0]) == ["code", "description"]
    assert root[0].find("code").text == "403"


# --- GET Service Requests -----------------------------------------------------------------


@pytest.fixture
def history(lifecycle, staff, units):
    """An open dispatched ticket, a closed one, one 100 days old, and one in another category."""
    from tests.factories import CategoryFactory

    old_time = timezone.now() - timedelta(days=100)
    with time_machine.travel(old_time, tick=False):
        old = lifecycle("submitted")
    dispatched = lifecycle("dispatched")
    closed = lifecycle("closed")
    other_category = CategoryFactory(
        code="housing.property.lift", name="电梯故障", parent=dispatched.category.parent
    )
    other = lifecycle("submitted", category=other_category)
    return {"old": old, "dispatched": dispatched, "closed": closed, "other": other}


def request_ids(body):
    return {item["service_request_id"] for item in body}


def test_requests_default_to_the_last_90_days(client, history):
    body = get_json(client, "requests", schemas.REQUESTS)
    assert request_ids(body) == {history[k].number for k in ("dispatched", "closed", "other")}
    root = get_xml(client, "requests")
    assert root.tag == "service_requests" and set(names(root)) == {"request"}
    assert names(root[0]) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url",
    ]  # fmt: skip


def test_request_fields_map_the_ticket(client, history):
    body = get_json(client, f"requests/{history['dispatched'].number}", schemas.REQUESTS)
    (item,) = body
    ticket = history["dispatched"]
    assert item["status"] == "open"
    assert item["agency_responsible"] == "和平街街道办事处"
    assert item["expected_datetime"] == ticket.reply_due_at.astimezone(
        timezone.get_current_timezone()
    ).isoformat(timespec="seconds")
    assert item["requested_datetime"].endswith("+08:00")
    assert item["address"] == "朝阳区和平街街道胜古南社区" and item["address_id"] == "110105019001"
    assert item["lat"] is None and "李" not in str(item)  # de-identified
    (closed,) = get_json(client, f"requests/{history['closed'].number}", schemas.REQUESTS)
    assert closed["status"] == "closed" and closed["status_notes"]  # the callback's label
    assert closed["updated_datetime"] == history["closed"].closed_at.astimezone(
        timezone.get_current_timezone()
    ).isoformat(timespec="seconds")


def test_status_notes_say_what_the_latest_public_event_was_never_its_note(client, lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_add_note(ticket_id=ticket.pk, actor=staff["handler"], text="内部：等物业")
    services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已给王先生安装楼牌。")
    (item,) = get_json(client, f"requests/{ticket.number}", schemas.REQUESTS)
    with translation.override("zh-hans"):
        assert item["status_notes"] == publication.event_note("reply") != "reply"
    assert "王" not in item["status_notes"] and "楼牌" not in item["status_notes"]


def test_descriptions_are_de_identified_and_published_after_acceptance(client, submit, staff):
    ticket = submit(description="我叫王建国，请联系我 138 1234 5678 或 13900001111。")
    (item,) = get_json(client, f"requests/{ticket.number}", schemas.REQUESTS)
    assert item["description"] is None  # nobody at the hotline has read it yet
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    (item,) = get_json(client, f"requests/{ticket.number}", schemas.REQUESTS)
    assert item["description"] == "我叫[姓名]，请联系我 [电话] 或 [电话]。"


def test_service_request_id_overrides_every_other_filter(client, history):
    ids = f"{history['old'].number},{history['closed'].number}"
    body = get_json(
        client, "requests", schemas.REQUESTS,
        service_request_id=ids, status="open", service_code="nothing",
    )  # fmt: skip
    assert request_ids(body) == {history["old"].number, history["closed"].number}


def test_filters_with_comma_lists(client, history):
    codes = f"{history['other'].category.code},housing.property.plate"
    all_recent = {history[k].number for k in ("dispatched", "closed", "other")}
    assert (
        request_ids(get_json(client, "requests", schemas.REQUESTS, service_code=codes))
        == all_recent
    )
    lift = get_json(
        client, "requests", schemas.REQUESTS, service_code=history["other"].category.code
    )
    assert request_ids(lift) == {history["other"].number}
    closed = get_json(client, "requests", schemas.REQUESTS, status="closed")
    assert request_ids(closed) == {history["closed"].number}
    both = get_json(client, "requests", schemas.REQUESTS, status="open,closed")
    assert request_ids(both) == all_recent


def test_start_and_end_dates(client, history):
    start = (timezone.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = get_json(client, "requests", schemas.REQUESTS, start_date=start, end_date=end)
    assert request_ids(body) == {history["old"].number}
    only_start = get_json(client, "requests", schemas.REQUESTS, start_date=start)
    assert request_ids(only_start) == {history["old"].number}  # start + 90 days


def test_updated_window_extension(client, history, staff):
    since = timezone.now().isoformat()
    services.ticket_accept(ticket_id=history["old"].pk, actor=staff["operator"])
    body = get_json(client, "requests", schemas.REQUESTS, updated_after=since)
    assert request_ids(body) == {history["old"].number}  # no default 90-day window here
    before = get_json(client, "requests", schemas.REQUESTS, updated_before=since)
    assert history["old"].number not in request_ids(before)


def test_paging_extension_and_the_1000_cap(client, submit, monkeypatch):
    assert params.MAX_RESULTS == 1000
    created = [submit().number for _ in range(5)]
    page1 = get_json(client, "requests", schemas.REQUESTS, page_size="2")
    page3 = get_json(client, "requests", schemas.REQUESTS, page_size="2", page="3")
    assert [i["service_request_id"] for i in page1] == created[::-1][:2]
    assert [i["service_request_id"] for i in page3] == created[::-1][4:]
    monkeypatch.setattr(params, "MAX_RESULTS", 3)
    assert len(get_json(client, "requests", schemas.REQUESTS)) == 3


def test_extensions_add_the_public_trajectory_and_the_published_photos(
    client, post_body, staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")
    response = client.post(f"{BASE}/requests.json", {**post_body, "media": photo})
    number = response.json()[0]["service_request_id"]
    ticket = Ticket.objects.get(number=number)
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"], note="联系人李雪贞")
    services.ticket_add_note(ticket_id=ticket.pk, actor=staff["operator"], text="内部")
    plain = get_json(client, f"requests/{number}", schemas.REQUESTS)
    # Neither the client's own media_url nor a photo the hotline has not published.
    assert "notes" not in plain[0] and plain[0]["media_url"] is None
    (item,) = get_json(client, f"requests/{number}", schemas.REQUESTS, extensions="true")
    assert [n["type"] for n in item["notes"]] == ["submit", "accept"]
    assert "李雪贞" not in str(item) and item["media_urls"] == []
    services.ticket_set_publication(
        ticket_id=ticket.pk,
        actor=staff["operator"],
        description="default",
        published_photos=[ticket.attachments.get().pk],
    )
    (item,) = get_json(client, f"requests/{number}", schemas.REQUESTS, extensions="true")
    (url,) = item["media_urls"]
    assert item["media_url"] == url and url.startswith("http://testserver/files/p/")
    assert Client().get(url).status_code == 200  # the link needs no key
    root = get_xml(client, f"requests/{number}", extensions="true")
    assert names(root[0].find("notes")) == ["note", "note"]
    assert names(root[0].find("notes")[0]) == ["datetime", "description", "type"]
    assert names(root[0].find("media_urls")) == ["media_url"]


def test_request_list_query_count_is_constant(client, lifecycle, django_assert_num_queries):
    for _ in range(2):
        lifecycle("dispatched")
    with django_assert_num_queries(2):  # requests with annotations, their public photos
        assert len(client.get(f"{BASE}/requests.json").json()) == 2
    for _ in range(3):
        lifecycle("dispatched")
    with django_assert_num_queries(3):  # … and the public trajectories
        assert len(client.get(f"{BASE}/requests.json", {"extensions": "true"}).json()) == 5


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"start_date": "yesterday"}, 400),
        ({"start_date": "2026-01-01T00:00:00"}, 400),  # no time zone
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, 400),
        ({"start_date": "9999-12-31T00:00:00Z"}, 400),  # its 90-day window leaves the calendar
        ({"end_date": "0001-01-02T00:00:00Z"}, 400),
        ({"updated_after": "0001-01-01T00:00:00+05:00"}, 400),
        ({"status": "pending"}, 400),
        ({"page_size": "1001"}, 400),
        ({"page": "0"}, 400),
        ({"page": "x"}, 400),
        ({"page": "²"}, 400),  # a digit to str.isdigit, not to int()
        ({"jurisdiction_id": "elsewhere.gov"}, 404),
    ],
)
def test_request_list_errors(client, query, status):
    errors_of(client.get(f"{BASE}/requests.json", query), status)


def test_offsets_postgresql_refuses_are_normalised(client, submit):
    submit()
    body = get_json(
        client, "requests", schemas.REQUESTS, start_date="2026-01-01T00:00:00-23:10",
        end_date="2026-03-01T00:00:00+00:00",
    )  # fmt: skip
    assert body == []


def test_jurisdiction_id_of_ours_is_accepted(client, settings, category):
    get_json(client, "services", schemas.SERVICES, jurisdiction_id=settings.OPEN311_JURISDICTION_ID)
    errors_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "sfgov.org"}), 404)


def test_unknown_things_are_404_in_the_spec_format(client):
    errors_of(client.get(f"{BASE}/services/nothing.json"), 404)
    errors_of(client.get(f"{BASE}/requests/20990101000001.json"), 404)
    errors_of(client.get(f"{BASE}/tokens/123456.json"), 404)
    errors_of(client.get(f"{BASE}/teapots.json"), 404)
    root = get_xml(client, "tokens/123456", expect=404)
    assert root.tag == "errors"


def test_method_not_allowed_is_reported_in_the_spec_format(client, category):
    errors_of(client.delete(f"{BASE}/services.json"), 405)


def test_throttled_reads_get_429_with_retry_after(client, settings):
    from clients.throttling import KeyRateThrottle

    original = KeyRateThrottle.THROTTLE_RATES
    KeyRateThrottle.THROTTLE_RATES = {"staff": "1/min", "anon": "1/min"}
    try:
        assert client.get(f"{BASE}/discovery.json").status_code == 200
        response = client.get(f"{BASE}/discovery.json")
        errors_of(response, 429)
        assert int(response["Retry-After"]) > 0
    finally:
        KeyRateThrottle.THROTTLE_RATES = original


def test_control_characters_never_break_the_xml(client, lifecycle):
    ticket = lifecycle("accepted", description="坏字符\x01\x0b结束")
    root = get_xml(client, f"requests/{ticket.number}")
    assert root.find("request/description").text == "坏字符结束"


def test_nul_characters_are_refused_naming_the_parameter(client, post_body, category):
    assert errors_of(client.get(f"{BASE}/services/a%00b.json"), 400).startswith("service_code:")
    text = errors_of(client.get(f"{BASE}/requests.json", {"service_request_id": "1\x00"}), 400)
    assert text.startswith("service_request_id:")
    text = errors_of(
        client.post(f"{BASE}/requests.json", {**post_body, "attribute[x]": "\x00"}), 400
    )
    assert text.startswith("attribute[x]:")
    text = errors_of(client.post(f"{BASE}/requests.json", {**post_body, "a\x00b": "1"}), 400)
    assert text.startswith("a\\x00b:") and "\x00" not in text
