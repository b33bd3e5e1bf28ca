"""The ticket page's privacy, phone intake, search, queues, dashboard, export and query counts."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from departments.models import Membership
from portal.models import ContactReveal
from tickets import services
from tickets.admin.paginator import CappedCountPaginator
from tickets.models import Ticket

from ...factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED = "138****5678"


def page(client, ticket):
    return client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))


# -- masking and the reveal log ------------------------------------------------------------------


def test_contact_is_masked_until_revealed_and_the_reveal_is_logged(client, lifecycle, staff):
    ticket = lifecycle("dispatched")
    client.force_login(staff["handler"])
    response = page(client, ticket)
    assert MASKED in response.text and PHONE not in response.text
    assert "李雪贞" not in response.text and "李**" in response.text
    revealed = client.post(reverse("admin:tickets_ticket_reveal", args=[ticket.pk]))
    assert PHONE in revealed.text and "李雪贞" in revealed.text
    log = ContactReveal.objects.get()
    assert (log.user, log.ticket, log.phone, log.name) == (staff["handler"], ticket, True, True)
    assert PHONE not in page(client, ticket).text  # revealed for that view only


def test_confidential_name_stays_hidden_from_the_handling_unit(client, lifecycle, staff):
    ticket = lifecycle("dispatched", confidential=True)
    client.force_login(staff["handler"])
    revealed = client.post(reverse("admin:tickets_ticket_reveal", args=[ticket.pk]))
    assert PHONE in revealed.text and "李雪贞" not in revealed.text
    client.force_login(staff["operator"])
    assert "李雪贞" in client.post(reverse("admin:tickets_ticket_reveal", args=[ticket.pk])).text


@pytest.mark.parametrize("role", ["analyst", "bureau_handler"])
def test_roles_that_may_not_reveal_are_refused_and_nothing_is_logged(
    client, lifecycle, staff, units, role
):
    ticket = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=staff["dispatcher"],
        lead=units["street"],
        co_units=[units["bureau"]],
    )
    client.force_login(staff[role])  # sees the ticket (analyst: all; bureau: co-unit), no reveal
    reveal = reverse("admin:tickets_ticket_reveal", args=[ticket.pk])
    shown = page(client, ticket)
    assert shown.status_code == 200 and reveal not in shown.text
    response = client.post(reveal)
    assert response.status_code == 403
    assert ContactReveal.objects.count() == 0


def test_the_ticket_list_never_shows_contact_details(client, lifecycle, staff):
    lifecycle("dispatched")
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:tickets_ticket_changelist"))
    assert PHONE not in response.text and "李雪贞" not in response.text


# -- phone intake ---------------------------------------------------------------------------------


@pytest.fixture
def intake_post(category, city):
    return {
        "contact_phone": PHONE,
        "contact_name": "李雪贞",
        "kind": "help",
        "category": category.code,
        "urgency": "",
        "region": city["shenggunan"].code,
        "address": "胜古南里12号楼",
        "description": "12号楼楼牌号缺失。",
        "ending": "accept",
    }


def test_operator_creates_an_accepted_phone_ticket(client, staff, intake_post):
    client.force_login(staff["operator"])
    response = client.post(reverse("admin:tickets_ticket_intake"), intake_post)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:tickets_ticket_intake")
    assert (ticket.channel, ticket.status, ticket.submitted_by) == (
        "phone",
        "accepted",
        staff["operator"],
    )


def test_intake_shows_the_callers_earlier_tickets_and_flags_a_repeat(
    client, staff, submit, intake_post, category
):
    earlier = submit()  # same caller, same category, today
    client.force_login(staff["operator"])
    suggest = {**intake_post, "ending": "", "suggest": "1"}
    response = client.post(reverse("admin:tickets_ticket_intake"), suggest)
    assert response.status_code == 200
    assert [t.number for t in response.context["desk"].history] == [earlier.number]
    assert earlier.pk in response.context["desk"].repeats
    assert Ticket.objects.count() == 1  # "suggest" does not create
    data = client.get(
        reverse("admin:tickets_ticket_intake_history"), {"phone": PHONE, "category": category.code}
    ).json()
    assert data["tickets"][0]["number"] == earlier.number and data["tickets"][0]["repeat"]


def test_a_caller_with_a_different_problem_is_not_a_repeat(client, staff, submit, intake_post):
    earlier = submit(address="别处1号")
    client.force_login(staff["operator"])
    data = client.get(
        reverse("admin:tickets_ticket_intake_history"),
        {"phone": PHONE, "address": "胜古南里12号楼"},
    ).json()
    assert data["tickets"][0]["number"] == earlier.number and not data["tickets"][0]["repeat"]


def test_intake_errors_name_the_field_and_create_nothing(client, staff, intake_post):
    client.force_login(staff["operator"])
    response = client.post(
        reverse("admin:tickets_ticket_intake"), {**intake_post, "contact_phone": "12345"}
    )
    assert response.status_code == 200 and "contact_phone" in response.context["form"].errors
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("role", ["handler", "analyst", "callback"])
def test_intake_is_for_operators_and_dispatchers(client, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("admin:tickets_ticket_intake")).status_code == 403
    assert (
        client.get(reverse("admin:tickets_ticket_intake_history"), {"phone": PHONE}).status_code
        == 403
    )


# -- search and the list ------------------------------------------------------------------------


def test_search_by_number_phone_and_description(client, staff, submit):
    plate = submit()
    noise = submit(description="夜间施工噪音扰民", contact_phone="13900001111")
    client.force_login(staff["operator"])
    url = reverse("admin:tickets_ticket_changelist")

    def found(q):
        return {t.number for t in client.get(url, {"q": q}).context["cl"].result_list}

    assert found(plate.number) == {plate.number}
    assert found("139 0000 1111") == {noise.number}
    assert found("施工噪音") == {noise.number}


def test_list_defaults_to_open_tickets(client, staff, lifecycle):
    open_ticket, closed = lifecycle("replied"), lifecycle("closed")
    client.force_login(staff["operator"])
    listed = client.get(reverse("admin:tickets_ticket_changelist")).context["cl"].result_list
    assert [t.number for t in listed] == [open_ticket.number]
    assert closed.number not in {t.number for t in listed}


def test_before_dispatch_the_list_and_the_page_show_the_suggested_unit(
    client, staff, lifecycle, units
):
    waiting, dispatched = lifecycle("accepted"), lifecycle("dispatched")
    client.force_login(staff["dispatcher"])
    listing = client.get(reverse("admin:tickets_ticket_changelist")).text
    # No rule for the category: the district government, marked as a suggestion.
    assert listing.count('<span class="suggested"') == 1
    assert "朝阳区人民政府" in listing and units["street"].name in listing  # dispatched's lead
    ticket_page = page(client, waiting).text
    assert "<dt>建议承办单位</dt><dd>朝阳区人民政府</dd>" in ticket_page
    assert dispatched.lead_unit == units["street"]


def test_overdue_filter_and_marker(client, staff, lifecycle):
    late = lifecycle("dispatched")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        fresh = lifecycle("dispatched")
        client.force_login(staff["operator"])
        response = client.get(reverse("admin:tickets_ticket_changelist"), {"deadline": "overdue"})
    assert [t.number for t in response.context["cl"].result_list] == [late.number]
    assert 'class="deadline overdue"' in response.text
    assert fresh.number not in response.text


def test_count_is_capped_instead_of_counting_the_table(client, staff, submit, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        submit()
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:tickets_ticket_changelist"))
    assert response.context["cl"].result_count == 4  # cap + 1: "more than 3"
    assert "3" in response.text and response.context["cl"].paginator.capped


# -- queues, dashboard ----------------------------------------------------------------------------


def test_dispatcher_queues_show_their_sizes(client, staff, lifecycle):
    lifecycle("accepted"), lifecycle("accepted"), lifecycle("submitted")
    client.force_login(staff["dispatcher"])
    queues = {q.key: n for q, n in client.get(reverse("admin:index")).context["queues"]}
    assert queues["to_dispatch"] == 2 and queues["to_accept"] == 1
    assert "to_sign" not in queues  # a unit's queue


def test_handler_queue_opens_the_matching_list(client, staff, lifecycle):
    ticket = lifecycle("dispatched")
    client.force_login(staff["handler"])
    queues = {q.key: (q, n) for q, n in client.get(reverse("admin:index")).context["queues"]}
    queue, size = queues["to_sign"]
    listed = client.get(reverse("admin:tickets_ticket_changelist") + "?" + queue.url_query())
    assert size == 1 and [t.number for t in listed.context["cl"].result_list] == [ticket.number]


def test_dashboard_figures(client, staff, lifecycle):
    from analytics import refresh

    lifecycle("closed"), lifecycle("submitted")
    refresh.rebuild(refresh.ticket_days())  # the rates come from the analytics summaries
    client.force_login(staff["supervisor"])
    response = client.get(reverse("admin:dashboard"))
    figures = response.context["figures"]
    assert figures["intake_today"] == 2 and figures["intake_month"] == 2
    status_chart = response.context["charts"]["status"]
    open_by_status = dict(
        zip(status_chart["labels"], status_chart["datasets"][0]["values"], strict=True)
    )
    assert open_by_status["待受理"] == 1  # submitted
    (_kind, valid, rates) = response.context["rates"][0]
    assert valid == 1 and rates["resolution"] == "100.0%"
    assert "chart.umd.min.js" in response.text


# -- export ----------------------------------------------------------------------------------


def test_export_streams_deidentified_rows_of_the_filtered_list(client, staff, lifecycle):
    open_ticket, _closed = lifecycle("dispatched"), lifecycle("closed")
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:tickets_ticket_export"), {"status": "dispatched"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][0] == open_ticket.number
    assert PHONE not in text and "李雪贞" not in text and "胜古南里12号楼" not in text
    assert rows[1][7] == "胜古南社区"  # community, nothing finer


# -- query counts stay constant ------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["operator", "handler"])
def test_changelist_query_count_does_not_grow_with_rows(client, staff, lifecycle, role):
    url = reverse("admin:tickets_ticket_changelist")
    client.force_login(staff[role])
    lifecycle("dispatched")
    few = count_queries(client, url)
    for _ in range(6):
        lifecycle("dispatched")
    assert count_queries(client, url) == few


def test_ticket_page_query_count_does_not_grow_with_its_history(client, staff, lifecycle, units):
    ticket = lifecycle("dispatched")
    client.force_login(staff["handler"])
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        services.ticket_add_note(ticket_id=ticket.pk, actor=staff["operator"], text=f"催办{i}")
    services.ticket_sign_and_contact(ticket_id=ticket.pk, actor=staff["handler"], method="phone")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


# -- roles as groups ----------------------------------------------------------------------------


def test_every_role_has_a_group_with_permissions():
    for role in Membership.Role.values:
        group = Group.objects.get(name=f"role:{role}")
        assert group.permissions.filter(codename="view_ticket").exists()


def test_a_membership_puts_the_user_in_the_role_group_and_lets_them_sign_in(units):
    user = UserFactory(username="newcomer", is_staff=False)
    membership = MembershipFactory(user=user, department=units["street"], role="handler")
    user.refresh_from_db()
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["role:handler"]
    membership.delete()
    assert not user.groups.exists()
