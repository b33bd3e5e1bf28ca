"""Landlines through the REST API: accepted in any spelling, stored and returned in the normal
form, masked for those who see masked numbers, refused with a 400 naming the field."""

import pytest

from tests.tickets.api.problems import error_fields
from tickets.models import Notification, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010 6512 3456", "010-65123456"),
        ("+86 10 6512 3456", "010-65123456"),
        ("65123456", "010-65123456"),
        ("0755-12345678", "0755-12345678"),
        ("+86 138 1234 5678", "13812345678"),
    ],
)
def test_a_client_submits_with_a_landline_or_a_mobile_in_any_spelling(
    as_client, new_ticket_body, typed, stored
):
    http, _client = as_client()
    response = http.post(
        "/api/v1/tickets/", {**new_ticket_body, "contact_phone": typed}, format="json"
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.contact_phone == stored and ticket.citizen.phone == stored
    # the client that submitted it reads the number back in full, in the normal form
    assert http.get(f"/api/v1/tickets/{ticket.number}/").json()["contact_phone"] == stored


def test_a_landline_caller_gets_no_sms_notice(as_client, new_ticket_body):
    http, _client = as_client()
    body = {**new_ticket_body, "contact_phone": "010-65123456", "contact_email": "w@example.com"}
    number = http.post("/api/v1/tickets/", body, format="json").json()["number"]
    channels = set(
        Notification.objects.filter(ticket__number=number).values_list("channel", flat=True)
    )
    assert channels == {"email"}


def test_staff_without_the_right_see_the_landline_masked(as_staff, lifecycle):
    ticket = lifecycle("dispatched", contact_phone="010-65123456")
    detail = as_staff("analyst").get(f"/api/v1/tickets/{ticket.number}/")
    assert detail.json()["contact_phone"] == "010-****3456"


@pytest.mark.parametrize(
    "typed", ["12345", "400-123-4567", "010-65123456 ext. 9", "+1 415 555 0100"]
)
def test_a_bad_number_is_a_400_naming_contact_phone(as_client, new_ticket_body, typed):
    http, _client = as_client()
    response = http.post(
        "/api/v1/tickets/",
        {**new_ticket_body, "contact_phone": typed},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    (message,) = error_fields(response)["contact_phone"]
    assert "mobile number" in message and "landline" in message
    assert Ticket.objects.count() == 0
