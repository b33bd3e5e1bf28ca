"""The privacy notice states what PIPL Art. 17 requires (who handles the data and how to reach
them, how long it is kept, how to see, correct or delete it), configured per deployment; its
request form files a ticket of the configured category through the normal workflow."""

import pytest
from django.test import Client

from departments.models import DispatchRule
from tickets import services
from tickets.models import Ticket, TicketEvent

from ..factories import CategoryFactory
from .conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy_category(category, units):
    """政务服务 › 政务服务 › 个人信息查阅、更正与删除, dispatched to a municipal bureau."""
    top = CategoryFactory(code="gov", name="政务服务", level=1, urgency=None)
    middle = CategoryFactory(code="gov.affairs", name="政务服务", level=2, parent=top, urgency=None)
    leaf = CategoryFactory(
        code="gov.affairs.privacy", name="个人信息查阅、更正与删除", level=3, parent=middle,
        urgency=category.urgency,
    )  # fmt: skip
    DispatchRule.objects.create(category=leaf, unit=units["bureau"])
    return leaf


@pytest.fixture
def client():
    return english_client()


def request_post(**overrides):
    return {
        "request": "correct",
        "tickets": "20261120000042",
        "details": "我登记的手机号码有误，请更正为13900001111。",
        "district": "110105",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
        "contact_email": "",
        "website": "",
        "_submit": "1",
        **overrides,
    }


def test_the_notice_names_the_handler_its_contact_the_retention_and_the_rights(
    client, settings, privacy_category
):
    settings.PORTAL_PRIVACY = {
        **settings.PORTAL_PRIVACY,
        "handler": "某市12345热线中心",
        "handler_en": "Example City 12345 Hotline Centre",
        "address": "某市人民路1号",
        "phone": "010-12345678",
        "email": "privacy@hotline.example.org",
        "retention_years": 5,
    }
    page = client.get("/privacy/").text
    assert "Example City 12345 Hotline Centre handles the personal information" in page
    assert "某市人民路1号" in page and 'href="tel:010-12345678"' in page
    assert 'href="mailto:privacy@hotline.example.org"' in page
    assert "kept for 5 years after the ticket is closed" in page
    for right in ("get a copy", "corrected or completed", "deleted", "withdraw your consent"):
        assert right in page
    assert 'href="/privacy/request/"' in page
    assert "You get an answer within 7 days." in page  # the category's urgency class
    chinese = Client(headers={"accept-language": "zh-hans"}).get("/privacy/").text
    assert "某市12345热线中心" in chinese


def test_a_request_becomes_a_ticket_of_its_own_category_in_the_normal_workflow(
    client, privacy_category, units, staff
):
    response = client.post("/privacy/request/", request_post())
    assert response.status_code == 302 and response["Location"] == "/submit/done/"
    ticket = Ticket.objects.get()
    assert ticket.category == privacy_category and ticket.status == "submitted"
    assert ticket.channel == "web" and ticket.kind == "help"
    assert ticket.contact_phone == "13812345678" and ticket.district.code == "110105"
    assert ticket.description.startswith("个人信息请求：更正或补充")
    assert "涉及工单：20261120000042" in ticket.description
    assert "请更正为13900001111" in ticket.description
    assert ticket.accept_due_at is not None  # deadlines as for any demand
    assert ticket.suggested_unit == units["bureau"]
    assert TicketEvent.objects.filter(ticket=ticket, action="submit").exists()
    done = client.get("/submit/done/").text
    assert ticket.number in done and ticket.access_code in done
    # it goes on like any demand
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["bureau"])


def test_every_error_of_the_request_is_listed_at_once(client, privacy_category):
    response = client.post(
        "/privacy/request/",
        request_post(request="", details="", contact_phone="", district=""),
    )
    page = response.text
    assert response.status_code == 200 and Ticket.objects.count() == 0
    for field in ("request", "details", "contact_phone", "district"):
        assert f'href="#id_{field}' in page, field
    assert "Give a telephone number the unit can call you on" in page
    assert 'value="李雪贞"' in page  # what was typed is kept


def test_a_wrong_number_comes_back_beside_its_field(client, privacy_category):
    page = client.post("/privacy/request/", request_post(contact_phone="12345")).text
    assert (
        'id="id_contact_phone_error"' in page
        and "Enter a mobile number (11 digits) or a landline" in page
    )
    assert Ticket.objects.count() == 0


def test_the_honeypot_stores_nothing(client, privacy_category):
    response = client.post("/privacy/request/", request_post(website="http://spam.example"))
    assert response.status_code == 200 and Ticket.objects.count() == 0


def test_without_the_category_the_form_says_to_call(client, city):
    page = client.get("/privacy/request/").text
    assert "data-requests-offline" in page and '<form class="privacy-request"' not in page
    response = client.post("/privacy/request/", request_post())
    assert response.status_code == 200 and Ticket.objects.count() == 0
    notice = client.get("/privacy/").text
    assert 'href="/privacy/request/"' not in notice and "calling 12345" in notice


def test_requests_count_against_the_submission_limit(client, settings, privacy_category):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "submit": "1/h"}
    assert client.post("/privacy/request/", request_post()).status_code == 302
    assert client.post("/privacy/request/", request_post()).status_code == 429


def test_a_deployment_without_the_category_is_warned(city):
    from portal.checks import check_privacy_request_category

    assert [w.id for w in check_privacy_request_category()] == ["portal.W001"]


def test_a_deployment_with_the_category_is_not_warned(privacy_category):
    from portal.checks import check_privacy_request_category

    assert check_privacy_request_category() == []
