"""Landline callers on the residents' site: the form takes a landline, the confirmation says no
SMS can reach it, and the number opens the ticket on the tracking page in any spelling."""

import pytest

from tickets.models import Notification, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["(010) 6512 3456", "010-65123456", "6512-3456"])
def test_a_landline_is_stored_in_the_normal_form_and_gets_no_sms(client, tree, final_post, typed):
    response = client.post("/submit/", final_post(contact_phone=typed))
    assert response.status_code == 302, response.context and response.context.get("details").errors
    ticket = Ticket.objects.get()
    assert ticket.contact_phone == "010-65123456"
    assert not Notification.objects.filter(ticket=ticket, channel="sms").exists()
    page = client.get("/submit/done/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "010-****3456" in page and "is a landline" in page and "An SMS" not in page


def test_a_mobile_still_gets_the_sms_line(client, tree, final_post):
    client.post("/submit/", final_post())
    page = client.get("/submit/done/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "An SMS with the number and the access code follows to 138****5678." in page
    assert Notification.objects.filter(channel="sms").count() == 1


def test_a_bad_number_is_a_field_error_in_chinese_naming_both_kinds(client, tree, final_post):
    response = client.post("/submit/", final_post(contact_phone="95588"))
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert 'id="id_contact_phone_error"' in response.text
    assert "手机号码" in response.text and "固定电话" in response.text


@pytest.mark.parametrize("typed", ["010-65123456", "(010)6512 3456", "65123456", "+86 10 65123456"])
def test_the_landline_opens_the_ticket_on_the_tracking_page(client, lifecycle, typed):
    ticket = lifecycle("in_progress", contact_phone="010-65123456")
    response = client.post("/track/", {"number": ticket.number, "secret": typed})
    assert response.status_code == 302 and response["Location"] == f"/track/{ticket.number}/"
    page = client.get(f"/track/{ticket.number}/").text
    assert "010-****3456" in page and "65123456" not in page


def test_another_landline_does_not_open_it(client, lifecycle):
    ticket = lifecycle("in_progress", contact_phone="010-65123456")
    response = client.post("/track/", {"number": ticket.number, "secret": "010-65123457"})
    assert response.status_code == 200
