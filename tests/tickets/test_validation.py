"""Bad input at intake: a clear error naming the field, and nothing stored."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import Citizen
from tickets.models import Attachment, Ticket, TicketEvent, TicketNumberCounter

pytestmark = pytest.mark.django_db


def assert_nothing_stored():
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0
    assert Citizen.objects.count() == 0
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "no.such.category"}, "category"),
        ({"category": 987654}, "category"),
        ({"region": "999999999999"}, "region"),
        ({"region": None}, "region"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_phone": "12812345678"}, "contact_phone"),  # 12x is not a mobile prefix
        ({"contact_phone": "400-123-4567"}, "contact_phone"),  # a service number, not a person
        ({"contact_phone": ""}, "contact_phone"),
        ({"description": ""}, "description"),
        ({"description": "   \n "}, "description"),
        ({"description": "楼" * 4001}, "description"),
        ({"kind": "rant"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"latitude": "39.9"}, "longitude"),
        ({"latitude": "391", "longitude": "116.4"}, "latitude"),
        ({"latitude": "north", "longitude": "116.4"}, "latitude"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"address": "路" * 201}, "address"),
    ],
)
def test_bad_field_is_named_and_nothing_is_stored(submit, overrides, field):
    with pytest.raises(ValidationError) as error:
        submit(**overrides)
    assert field in error.value.message_dict, error.value.message_dict
    assert_nothing_stored()


def test_category_must_be_a_leaf(submit, category):
    with pytest.raises(ValidationError) as error:
        submit(category=category.parent)
    assert "category" in error.value.message_dict


def test_region_must_be_at_least_a_district(submit, city):
    with pytest.raises(ValidationError) as error:
        submit(region=city["beijing"])
    assert "region" in error.value.message_dict


def test_all_errors_are_reported_together(submit):
    with pytest.raises(ValidationError) as error:
        submit(category="nope", region="nope", contact_phone="1", description="")
    assert {"category", "region", "contact_phone", "description"} <= error.value.message_dict.keys()


def test_description_of_exactly_4000_characters_is_accepted(submit):
    assert len(submit(description="楼" * 4000).description) == 4000


def test_description_is_stored_as_typed(submit):
    text = "<script>alert('x')</script> 楼牌号"
    assert submit(description=text).description == text


def test_anonymous_needs_no_phone(submit):
    assert submit(anonymous=True, contact_phone="").anonymous


def test_a_failure_after_the_ticket_row_rolls_everything_back(submit, monkeypatch):
    """If writing the first event fails, the ticket and resident rows go too."""
    from tickets import events

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(events, "record", broken)
    with pytest.raises(RuntimeError):
        submit()
    assert_nothing_stored()
    # Only the number sequence moved on (gaps are allowed; reuse is not).
    assert TicketNumberCounter.objects.get().last == 1


def test_region_and_category_by_code(submit, city, category):
    """Region codes are all digits: a code string is looked up as a code, not as an id."""
    ticket = submit(region="110105019001", category="housing.property.plate")
    assert ticket.community == city["shenggunan"] and ticket.category == category
