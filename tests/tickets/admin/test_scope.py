"""Each role sees exactly its tickets: changelist, ticket page, actions, reveal, files, export."""

import pytest
from django.urls import reverse

from tickets import services

from ...factories import UserFactory

pytestmark = pytest.mark.django_db

HOTLINE_ROLES = ["operator", "dispatcher", "callback", "supervisor", "analyst"]


@pytest.fixture
def two_tickets(lifecycle, staff, units):
    """One ticket dispatched to 和平街 (the handler's unit), one to 安贞 (another street)."""
    mine = lifecycle("dispatched")
    theirs = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=theirs.pk, actor=staff["dispatcher"], lead=units["other_street"]
    )
    return mine, theirs


def listed_numbers(client):
    response = client.get(reverse("admin:tickets_ticket_changelist"), {"status": "all"})
    assert response.status_code == 200
    return {t.number for t in response.context["cl"].result_list}


@pytest.mark.parametrize("role", HOTLINE_ROLES)
def test_hotline_roles_see_every_ticket(client, staff, two_tickets, role):
    client.force_login(staff[role])
    assert listed_numbers(client) == {t.number for t in two_tickets}


@pytest.mark.parametrize("role", ["handler", "head"])
def test_unit_staff_see_only_their_units_tickets(client, staff, two_tickets, role):
    mine, _theirs = two_tickets
    client.force_login(staff[role])
    assert listed_numbers(client) == {mine.number}


def test_district_head_sees_the_tickets_of_its_street_offices(client, staff, two_tickets):
    client.force_login(staff["district_head"])
    assert listed_numbers(client) == {t.number for t in two_tickets}


def test_bureau_handler_sees_nothing_of_street_tickets(client, staff, two_tickets):
    client.force_login(staff["bureau_handler"])
    assert listed_numbers(client) == set()


@pytest.mark.parametrize(
    "url_name, extra",
    [
        ("admin:tickets_ticket_change", []),
        ("admin:tickets_ticket_act", ["reply"]),
        ("admin:tickets_ticket_act", ["sign-and-contact"]),
        ("admin:tickets_ticket_attachment", [1]),
    ],
)
def test_another_units_ticket_is_a_404(client, staff, two_tickets, url_name, extra):
    _mine, theirs = two_tickets
    client.force_login(staff["handler"])
    response = client.get(reverse(url_name, args=[theirs.pk, *extra]))
    assert response.status_code == 404
    assert theirs.number.encode() not in response.content


def test_posting_an_action_on_another_units_ticket_is_a_404(client, staff, two_tickets):
    _mine, theirs = two_tickets
    client.force_login(staff["handler"])
    url = reverse("admin:tickets_ticket_act", args=[theirs.pk, "reply"])
    assert client.post(url, {"text": "已处理"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "dispatched"


def test_reveal_on_another_units_ticket_is_a_404(client, staff, two_tickets):
    _mine, theirs = two_tickets
    client.force_login(staff["handler"])
    assert client.post(reverse("admin:tickets_ticket_reveal", args=[theirs.pk])).status_code == 404


def test_a_non_numeric_id_is_a_404(client, staff):
    client.force_login(staff["operator"])
    assert client.get("/admin/tickets/ticket/abc/change/").status_code == 404


def test_export_contains_only_the_users_tickets(client, staff, two_tickets):
    mine, theirs = two_tickets
    client.force_login(staff["handler"])
    response = client.get(reverse("admin:tickets_ticket_export"), {"status": "all"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert mine.number in body and theirs.number not in body


def test_staff_user_without_a_role_cannot_open_the_ticket_list(client, two_tickets):
    client.force_login(UserFactory(username="norole"))
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 403


def test_bulk_dispatch_only_touches_visible_tickets(client, staff, lifecycle, units):
    """The action's queryset comes from the same selector: an id smuggled into the POST of a
    user who cannot see it is ignored."""
    ticket = lifecycle("accepted")
    client.force_login(staff["handler"])  # handlers may not dispatch, nor see accepted tickets
    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {
            "action": "dispatch_selected",
            "_selected_action": [ticket.pk],
            "apply": "1",
            "lead": units["street"].pk,
        },
    )
    assert response.status_code in (200, 302)
    ticket.refresh_from_db()
    assert ticket.status == "accepted"
