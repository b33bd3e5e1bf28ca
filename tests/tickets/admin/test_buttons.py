"""The ticket page's buttons, the API's `actions` list and the services ask one set of rules
(`tickets.rules`): for each rule, the action is offered where the service accepts it and nowhere
where the service refuses it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clients.services import staff_token_create
from tickets import permissions, rules, services
from tickets.exceptions import RuleViolation
from tickets.models import Assignment, Ticket

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def offered_on_page(client, user, ticket, slug) -> bool:
    client.force_login(user)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200
    return reverse("admin:tickets_ticket_act", args=[ticket.pk, slug]).encode() in page.content


def offered_by_api(user, ticket, slug) -> bool:
    _token, key = staff_token_create(user=user, name="test")
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return slug in http.get(f"/api/v1/tickets/{ticket.number}/").json()["actions"]


def extension_requested(ticket, staff):
    services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需协调产权单位",
        reply_due_at=ticket.reply_due_at + timedelta(days=5),
    )


def return_window_passed(ticket, staff):
    Assignment.objects.filter(ticket=ticket, active=True, role="lead").update(
        return_due_at=timezone.now() - HOUR
    )


def returned_once_already(ticket, staff):
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    services.ticket_dispatch(
        ticket_id=ticket.pk, actor=staff["dispatcher"], lead=ticket.lead_unit or _street()
    )


def _street():
    from departments.models import Department

    return Department.objects.get(code="st-110105019")


def reopen_requested(ticket, staff):
    services.ticket_request_reopen(ticket_id=ticket.pk, actor=staff["callback"], reason="没修好")


def _attempt(slug, ticket, staff, units):
    """Call the action's service with valid input, as its role."""
    pk = ticket.pk
    calls = {
        "return": lambda: services.ticket_return(
            ticket_id=pk, actor=staff["handler"], reason="不属于本辖区"
        ),
        "request-extension": lambda: services.ticket_request_extension(
            ticket_id=pk,
            actor=staff["handler"],
            reason="再延一次",
            reply_due_at=ticket.reply_due_at + timedelta(days=9),
        ),
        "decide-extension": lambda: services.ticket_decide_extension(
            ticket_id=pk, actor=staff["dispatcher"], approve=True
        ),
        "request-reopen": lambda: services.ticket_request_reopen(
            ticket_id=pk, actor=staff["callback"], reason="还是没修好"
        ),
        "answer-directly": lambda: services.ticket_answer_directly(
            ticket_id=pk, actor=staff["operator"], answer="可在政务服务网办理。"
        ),
    }
    return calls[slug]()


# rule: (action slug, who, ticket status, submit overrides, what makes the service refuse)
RULES = {
    "return window passed": ("return", "handler", "dispatched", {}, return_window_passed),
    "unit returned it once already": (
        "return", "handler", "dispatched", {}, returned_once_already,
    ),
    "extension already pending": (
        "request-extension", "handler", "in_progress", {}, extension_requested,
    ),
    "no extension to decide": ("decide-extension", "dispatcher", "in_progress", {}, None),
    "reopening already requested": (
        "request-reopen", "callback", "closed", {}, reopen_requested,
    ),
    "only consultations answered directly": (
        "answer-directly", "operator", "accepted", {"kind": "complaint"}, None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("rule", RULES)
def test_an_action_the_rules_refuse_is_offered_nowhere_and_refused_by_the_service(
    client, lifecycle, staff, units, rule
):
    slug, who, status, overrides, prepare = RULES[rule]
    ticket = lifecycle(status, **overrides)
    if prepare:
        prepare(ticket, staff)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert not offered_on_page(client, staff[who], ticket, slug)
    assert not offered_by_api(staff[who], ticket, slug)
    before = ticket.events.count()
    with pytest.raises(RuleViolation):
        _attempt(slug, ticket, staff, units)
    assert ticket.events.count() == before


# The same actions where the rules allow them: offered on the page and by the API, and accepted.
ALLOWED = {
    "return within the window, first time": ("return", "handler", "dispatched", {}, None),
    "first extension request": ("request-extension", "handler", "in_progress", {}, None),
    "a request waits for a decision": (
        "decide-extension", "dispatcher", "in_progress", {}, extension_requested,
    ),
    "first request to reopen": ("request-reopen", "callback", "closed", {}, None),
    "a consultation": ("answer-directly", "operator", "accepted", {"kind": "consultation"}, None),
}  # fmt: skip


@pytest.mark.parametrize("case", ALLOWED)
def test_an_action_the_rules_allow_is_offered_and_accepted(client, lifecycle, staff, units, case):
    slug, who, status, overrides, prepare = ALLOWED[case]
    ticket = lifecycle(status, **overrides)
    if prepare:
        prepare(ticket, staff)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert offered_on_page(client, staff[who], ticket, slug)
    assert offered_by_api(staff[who], ticket, slug)
    _attempt(slug, ticket, staff, units)


def test_lead_unit_actions_need_a_lead_unit(lifecycle, staff):
    """A dispatched ticket whose lead assignment is gone (e.g. data repaired by hand) offers
    none of the lead unit's actions."""
    ticket = lifecycle("dispatched")
    Assignment.objects.filter(ticket=ticket).update(active=False)
    facts = rules.Facts(ticket)
    now = timezone.now()
    for action in rules.LEAD_ACTIONS:
        assert rules.refusal(ticket, action, facts, now=now) == "该工单没有主办单位。"
    offered = permissions.available_actions(staff["handler"], ticket, facts=facts)
    assert not set(offered) & rules.LEAD_ACTIONS


def test_posting_an_action_the_rules_refuse_says_why(client, lifecycle, staff):
    ticket = lifecycle("dispatched")
    return_window_passed(ticket, staff)
    client.force_login(staff["handler"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "return"])
    response = client.post(url, {"reason": "不属于本辖区"}, follow=True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已超过退单时限。"]
    assert Ticket.objects.get(pk=ticket.pk).status == "dispatched"


def test_the_page_asks_the_rules_without_extra_queries(
    client, lifecycle, staff, django_assert_max_num_queries
):
    """The facts come from the assignments and extension requests the page loads anyway."""
    ticket = lifecycle("in_progress")
    extension_requested(ticket, staff)
    client.force_login(staff["dispatcher"])
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    client.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_callback_form_of_an_anonymous_ticket_records_only_an_invalid_callback(
    client, lifecycle, staff
):
    """The service refuses a reached resident on an anonymous ticket: the form never asks."""
    ticket = lifecycle("replied", anonymous=True, contact_name="", contact_phone="")
    client.force_login(staff["callback"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "record-callback"])
    form = client.get(url).context["form"]
    assert list(form.fields["reachable"].choices) == [("0", "否")]
    assert "satisfaction" not in form.fields
    assert client.post(url, {"reachable": "1"}).status_code == 200  # not a choice
    assert client.post(url, {"reachable": "0", "comment": ""}).status_code == 302
    callback = Ticket.objects.get(pk=ticket.pk).callbacks.get()
    assert callback.valid is False
