"""Landline callers at the desk (DESIGN.md §7, issue 14 §3): the phone intake takes them, their
history and repeats are found however the number is typed, the search finds them, the ticket
page masks them as 010-****3456 until revealed."""

import pytest
from django.urls import reverse

from portal.models import Citizen
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

LANDLINE = "010-65123456"
SPELLINGS = ["010-65123456", "01065123456", "(010) 6512 3456", "+86 10 6512 3456", "65123456"]


@pytest.fixture
def intake_post(category, city):
    return {
        "contact_phone": "6512 3456",  # a local number, as a Beijing caller says it
        "contact_name": "王建国",
        "kind": "help",
        "category": category.code,
        "urgency": "",
        "region": city["shenggunan"].code,
        "address": "胜古南里12号楼",
        "description": "12号楼楼牌号缺失。",
        "ending": "accept",
    }


def test_the_operator_records_a_landline_caller_in_the_normal_form(client, staff, intake_post):
    client.force_login(staff["operator"])
    response = client.post(reverse("admin:tickets_ticket_intake"), intake_post)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.contact_phone == LANDLINE and ticket.citizen.phone == LANDLINE
    assert Citizen.objects.get().phone == LANDLINE


@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_callers_history_and_repeats_are_found_however_the_number_is_typed(
    client, staff, submit, intake_post, category, typed
):
    earlier = submit(contact_phone="010 6512 3456")
    client.force_login(staff["operator"])
    data = client.get(
        reverse("admin:tickets_ticket_intake_history"), {"phone": typed, "category": category.code}
    ).json()
    assert [t["number"] for t in data["tickets"]] == [earlier.number]
    assert data["tickets"][0]["repeat"] and data["phone"] == LANDLINE
    # the same without JavaScript: the "suggest" button renders the desk again with the history
    response = client.post(
        reverse("admin:tickets_ticket_intake"),
        {**intake_post, "contact_phone": typed, "ending": "", "suggest": "1"},
    )
    assert [t.number for t in response.context["desk"].history] == [earlier.number]
    assert earlier.pk in response.context["desk"].repeats


def test_a_bad_number_at_the_desk_names_the_field_in_chinese(client, staff, intake_post):
    client.force_login(staff["operator"])
    response = client.post(
        reverse("admin:tickets_ticket_intake"), {**intake_post, "contact_phone": "400-123-4567"}
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    (message,) = response.context["form"].errors["contact_phone"]
    assert "手机号码" in message and "固定电话" in message


@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_ticket_search_finds_a_landline_however_it_is_typed(client, staff, submit, typed):
    ticket = submit(contact_phone=LANDLINE)
    submit(contact_phone="13812345678")  # another caller
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:tickets_ticket_changelist"), {"q": typed, "status": "all"})
    assert [t.number for t in response.context["cl"].result_list] == [ticket.number]


def test_the_citizen_search_finds_a_landline(client, staff, submit):
    submit(contact_phone=LANDLINE)
    client.force_login(staff["supervisor"])
    response = client.get(reverse("admin:portal_citizen_changelist"), {"q": "(010)65123456"})
    assert response.status_code == 200
    assert [c.phone for c in response.context["cl"].result_list] == [LANDLINE]


def test_the_ticket_page_masks_a_landline_until_revealed(client, staff, lifecycle):
    ticket = lifecycle("dispatched", contact_phone=LANDLINE)
    client.force_login(staff["handler"])
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert "010-****3456" in page.text and "65123456" not in page.text
    revealed = client.post(reverse("admin:tickets_ticket_reveal", args=[ticket.pk]))
    assert LANDLINE in revealed.text


def test_the_citizen_list_without_a_search_lists_everyone(client, staff, submit):
    submit(contact_phone=LANDLINE)
    submit(contact_phone="13812345678")
    client.force_login(staff["supervisor"])
    response = client.get(reverse("admin:portal_citizen_changelist"))
    assert len(response.context["cl"].result_list) == 2
