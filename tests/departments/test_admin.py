"""Units › Memberships and a unit's page show each role only the staff it may see (issue 12
§4: unit heads saw every unit's staff, the hotline's included)."""

import pytest
from django.urls import reverse

from departments.models import Membership
from departments.selectors import membership_list_for

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def usernames(memberships):
    return {m.user.username for m in memberships}


HOTLINE = {"operator", "dispatcher", "callback", "supervisor", "analyst"}
EVERYONE = HOTLINE | {"handler", "head", "other_handler", "bureau_handler", "district_head"}
# district_head heads 朝阳区人民政府, with both street offices under it
SEEN_BY = {
    "supervisor": EVERYONE,
    "head": {"handler", "head"},
    "district_head": {"district_head", "handler", "head", "other_handler"},
}


@pytest.mark.parametrize(("role", "expected"), SEEN_BY.items())
def test_the_membership_list_shows_each_role_its_scope(client, staff, role, expected):
    client.force_login(staff[role])
    response = client.get(reverse("admin:departments_membership_changelist"))
    assert response.status_code == 200
    assert usernames(response.context["cl"].result_list) == expected


@pytest.mark.parametrize(
    "role", ["operator", "dispatcher", "callback", "analyst", "handler", "bureau_handler"]
)
def test_roles_without_the_page_are_refused(client, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("admin:departments_membership_changelist")).status_code == 403


def test_a_unit_head_cannot_open_a_membership_outside_the_unit(client, staff, units):
    client.force_login(staff["head"])
    hotline = Membership.objects.get(user=staff["supervisor"])
    own = Membership.objects.get(user=staff["handler"])
    change = "admin:departments_membership_change"
    assert client.get(reverse(change, args=[own.pk])).status_code == 200
    # Django's admin answers an object outside get_queryset with a redirect and a message
    response = client.get(reverse(change, args=[hotline.pk]))
    assert response.status_code == 302 and str(hotline.pk) not in response.get("Location", "")


def test_a_units_page_lists_only_the_memberships_in_scope(client, staff, units):
    client.force_login(staff["head"])
    page = client.get(reverse("admin:departments_department_change", args=[units["hotline"].pk]))
    assert page.status_code == 200
    assert "supervisor" not in page.text and "dispatcher" not in page.text
    own = client.get(reverse("admin:departments_department_change", args=[units["street"].pk]))
    assert "handler" in own.text


def test_the_selector_gives_nothing_to_anonymous_or_unattached_users(staff):
    from django.contrib.auth.models import AnonymousUser

    assert not membership_list_for(AnonymousUser()).exists()
    assert not membership_list_for(UserFactory()).exists()
    assert membership_list_for(UserFactory(is_superuser=True)).count() == len(EVERYONE)
