"""Who sees which ticket: one selector for admin, API and exports."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tickets import services
from tickets.selectors import ticket_list_for

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_hotline_roles_and_analysts_see_everything(lifecycle, staff):
    ticket = lifecycle("submitted")
    for role in ("operator", "dispatcher", "callback", "supervisor", "analyst"):
        assert list(ticket_list_for(staff[role])) == [ticket]


def test_units_see_only_tickets_they_hold(lifecycle, staff, units):
    mine = lifecycle("dispatched")
    not_dispatched = lifecycle("accepted")
    assert list(ticket_list_for(staff["handler"])) == [mine]
    assert list(ticket_list_for(staff["other_handler"])) == []
    assert not_dispatched not in ticket_list_for(staff["head"])


def test_district_sees_its_street_offices_tickets(lifecycle, staff):
    ticket = lifecycle("dispatched")
    assert list(ticket_list_for(staff["district_head"])) == [ticket]


def test_returned_ticket_stays_visible_to_the_unit_that_returned_it(lifecycle, staff):
    ticket = lifecycle("dispatched")
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    assert list(ticket_list_for(staff["handler"])) == [ticket]


def test_users_without_role_see_nothing(lifecycle):
    lifecycle("dispatched")
    assert list(ticket_list_for(UserFactory(username="nobody"))) == []
    assert list(ticket_list_for(AnonymousUser())) == []
