"""Open311 POST `phone`: landlines are accepted (issue 16 §4) and stored in the normal form; a
number that is neither a mobile nor a landline is a 400 naming `phone`."""

import pytest

from tickets.models import Notification, Ticket

from .test_open311 import BASE, errors_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010-65123456", "010-65123456"),
        ("(010)6512 3456", "010-65123456"),
        ("65123456", "010-65123456"),
        ("021 1234 5678", "021-12345678"),
    ],
)
def test_a_landline_phone_makes_a_named_request_without_sms(client, post_body, typed, stored):
    response = client.post(f"{BASE}/requests.json", {**post_body, "phone": typed})
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    assert not ticket.anonymous and ticket.contact_phone == stored
    assert ticket.contact_name == "李雪贞"
    channels = set(Notification.objects.filter(ticket=ticket).values_list("channel", flat=True))
    assert channels == {"email"}  # post_body gives an e-mail; a landline gets no SMS


@pytest.mark.parametrize("typed", ["12345", "95588", "138abc45678"])
def test_a_bad_phone_is_a_400_naming_the_parameter(client, post_body, typed):
    text = errors_of(
        client.post(
            f"{BASE}/requests.json", {**post_body, "phone": typed}, HTTP_ACCEPT_LANGUAGE="en"
        ),
        400,
    )
    assert text.startswith("phone: ") and "landline" in text
    assert Ticket.objects.count() == 0
