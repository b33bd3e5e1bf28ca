"""Every workflow action as `POST /api/v1/tickets/{number}/<action>/`, with its error statuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.tickets.api.problems import error_fields
from tickets import services
from tickets.models import Callback, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def later(days=10):
    return (timezone.now() + timedelta(days=days)).isoformat()


def in_progress_with_extension(lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需要协调物业",
        reply_due_at=ticket.reply_due_at + timedelta(days=5),
    )
    return ticket


# (endpoint, role, starting status or setup, body, expected status afterwards)
HAPPY = [
    ("accept", "operator", "submitted", {"kind": "complaint", "urgency": "complex"}, "accepted"),
    ("answer-directly", "operator", "consultation", {"answer": "请拨打物业电话。"}, "closed"),
    ("close-at-intake", "operator", "submitted", {"outcome": "invalid", "note": "测试"}, "closed"),
    (
        "dispatch",
        "dispatcher",
        "accepted",
        {"lead": "st-110105019", "co_units": ["bj-zjw"]},
        "dispatched",
    ),
    ("return", "handler", "dispatched", {"reason": "不属于本街道"}, "accepted"),
    ("sign-and-contact", "handler", "dispatched", {"method": "phone"}, "in_progress"),
    (
        "request-extension",
        "handler",
        "in_progress",
        {"reason": "需协调", "reply_due_at": "LATER"},
        "in_progress",
    ),
    ("decide-extension", "dispatcher", "extension", {"approve": True}, "in_progress"),
    ("add-note", "handler", "dispatched", {"text": "已联系物业"}, "dispatched"),
    ("supervise", "supervisor", "dispatched", {"instruction": "请加快办理"}, "dispatched"),
    ("reply", "handler", "in_progress", {"text": "已安装楼牌。"}, "replied"),
    (
        "record-callback",
        "callback",
        "replied",
        {"contacted": True, "solved": True, "satisfaction": "satisfied"},
        "closed",
    ),
    ("request-reopen", "callback", "closed", {"reason": "仍未解决"}, "closed"),
    ("reopen", "supervisor", "closed", {"reason": "居民反映未解决"}, "accepted"),
]


@pytest.fixture
def ticket_in(lifecycle, staff):
    def make(setup):
        if setup == "consultation":
            return lifecycle("submitted", kind="consultation")
        if setup == "extension":
            return in_progress_with_extension(lifecycle, staff)
        return lifecycle(setup)

    return make


@pytest.mark.parametrize(("endpoint", "role", "setup", "body", "after"), HAPPY)
def test_each_action_calls_its_service_and_returns_the_fresh_ticket(
    as_staff, ticket_in, endpoint, role, setup, body, after
):
    ticket = ticket_in(setup)
    body = {k: later() if v == "LATER" else v for k, v in body.items()}
    before = TicketEvent.objects.filter(ticket=ticket).count()
    response = as_staff(role).post(
        f"/api/v1/tickets/{ticket.number}/{endpoint}/", body, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == after
    ticket.refresh_from_db()
    assert ticket.status == after
    assert TicketEvent.objects.filter(ticket=ticket).count() == before + 1
    last = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk").last()
    assert last.action == endpoint.replace("-", "_")


def test_every_workflow_action_but_intake_has_an_endpoint():
    from tickets.api.actions import ENDPOINTS
    from tickets.workflow import Action

    assert {e.action for e in ENDPOINTS} == set(Action) - {Action.SUBMIT, Action.PHONE_INTAKE}
    assert {e for e, *_ in HAPPY} == {e.name for e in ENDPOINTS}


@pytest.mark.parametrize(
    ("endpoint", "role", "setup", "body"),
    [
        ("dispatch", "dispatcher", "submitted", {"lead": "st-110105019"}),
        ("reply", "handler", "replied", {"text": "x"}),
        ("reopen", "supervisor", "dispatched", {"reason": "x"}),
        ("accept", "operator", "accepted", {}),
    ],
)
def test_action_not_allowed_in_the_current_status_is_409(
    as_staff, ticket_in, endpoint, role, setup, body
):
    ticket = ticket_in(setup)
    response = as_staff(role).post(
        f"/api/v1/tickets/{ticket.number}/{endpoint}/", body, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_rule_violation_is_409(as_staff, lifecycle, staff, units):
    ticket = lifecycle("dispatched")
    http = as_staff("handler")
    assert http.post(f"/api/v1/tickets/{ticket.number}/return/", {"reason": "x"}).status_code == 200
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"])
    second = http.post(f"/api/v1/tickets/{ticket.number}/return/", {"reason": "again"})
    assert second.status_code == 409 and second.json()["code"] == "rule_violation"


@pytest.mark.parametrize(
    ("endpoint", "role", "setup", "body"),
    [
        ("dispatch", "operator", "accepted", {"lead": "st-110105019"}),
        ("accept", "analyst", "submitted", {}),
        ("supervise", "dispatcher", "dispatched", {"instruction": "x"}),
        ("reply", "district_head", "in_progress", {"text": "x"}),
    ],
)
def test_role_without_the_permission_is_403(as_staff, ticket_in, endpoint, role, setup, body):
    ticket = ticket_in(setup)
    response = as_staff(role).post(
        f"/api/v1/tickets/{ticket.number}/{endpoint}/", body, format="json"
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


def test_out_of_scope_ticket_is_404_for_actions(as_staff, lifecycle):
    ticket = lifecycle("dispatched")
    response = as_staff("other_handler").post(
        f"/api/v1/tickets/{ticket.number}/sign-and-contact/", {"method": "phone"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("endpoint", "role", "setup", "body", "field"),
    [
        ("return", "handler", "dispatched", {}, "reason"),
        ("dispatch", "dispatcher", "accepted", {"lead": "nowhere"}, "lead"),
        ("dispatch", "dispatcher", "accepted", {"lead": "hotline"}, "lead"),
        ("dispatch", "dispatcher", "accepted", {}, "lead"),
        ("sign-and-contact", "handler", "dispatched", {"method": "pigeon"}, "method"),
        (
            "sign-and-contact",
            "handler",
            "dispatched",
            {"method": "phone", "contacted_at": "LATER"},
            "contacted_at",
        ),
        (
            "request-extension",
            "handler",
            "in_progress",
            {"reason": "x", "reply_due_at": "soon"},
            "reply_due_at",
        ),
        ("close-at-intake", "operator", "submitted", {"outcome": "duplicate"}, "duplicate_of"),
        (
            "close-at-intake",
            "operator",
            "submitted",
            {"outcome": "duplicate", "duplicate_of": "1"},
            "duplicate_of",
        ),
        ("accept", "operator", "submitted", {"category": "housing"}, "category"),
        ("accept", "operator", "submitted", {"urgency": "whenever"}, "urgency"),
        ("record-callback", "callback", "replied", {"contacted": True}, "solved"),
    ],
)
def test_invalid_action_input_is_400_naming_the_field(
    as_staff, ticket_in, endpoint, role, setup, body, field
):
    ticket = ticket_in(setup)
    body = {k: later() if v == "LATER" else v for k, v in body.items()}
    response = as_staff(role).post(
        f"/api/v1/tickets/{ticket.number}/{endpoint}/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in error_fields(response)
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


def test_detail_lists_the_actions_the_caller_may_take_now(as_staff, lifecycle):
    ticket = lifecycle("accepted")
    assert (
        "dispatch"
        in as_staff("dispatcher").get(f"/api/v1/tickets/{ticket.number}/").json()["actions"]
    )
    assert (
        "dispatch"
        not in as_staff("operator").get(f"/api/v1/tickets/{ticket.number}/").json()["actions"]
    )


# --- API clients acting -------------------------------------------------------------------


@pytest.fixture
def client_ticket(as_client, new_ticket_body):
    def make(actions):
        http, client = as_client(actions=("submit", *actions))
        number = http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
        return http, client, Ticket.objects.get(number=number)

    return make


def _close(ticket, staff, units):
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"])
    services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已处理")


def test_client_rates_and_asks_to_reopen_its_own_ticket_for_the_resident(
    client_ticket, staff, units
):
    http, _client, ticket = client_ticket(["record_callback", "request_reopen"])
    _close(ticket, staff, units)
    detail = http.get(f"/api/v1/tickets/{ticket.number}/").json()
    assert detail["actions"] == ["record-callback"]
    rating = {"contacted": True, "solved": False, "satisfaction": "unsatisfied"}
    assert http.post(f"/api/v1/tickets/{ticket.number}/record-callback/", rating).status_code == 200
    assert Callback.objects.get(ticket=ticket).source == Callback.Source.RESIDENT
    response = http.post(f"/api/v1/tickets/{ticket.number}/request-reopen/", {"reason": "没修好"})
    assert response.status_code == 200
    event = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk").last()
    assert event.action == "request_reopen" and event.actor is None


def test_client_without_the_grant_is_403(client_ticket, staff, units):
    http, _client, ticket = client_ticket([])
    _close(ticket, staff, units)
    rating = {"contacted": True, "solved": True, "satisfaction": "satisfied"}
    response = http.post(f"/api/v1/tickets/{ticket.number}/record-callback/", rating)
    assert response.status_code == 403
    assert ticket.callbacks.count() == 0


def test_client_cannot_take_staff_actions_even_when_granted(client_ticket, units):
    http, _client, ticket = client_ticket(["accept", "dispatch"])
    response = http.post(f"/api/v1/tickets/{ticket.number}/accept/", {})
    assert response.status_code == 403  # its service user has no hotline role


def test_client_with_a_handler_membership_acts_for_its_unit(client_ticket, lifecycle, units):
    from departments.models import Membership
    from tests.factories import MembershipFactory

    http, client, _own = client_ticket(["sign_and_contact"])
    MembershipFactory(user=client.user, department=units["street"], role=Membership.Role.HANDLER)
    ticket = lifecycle("dispatched")
    response = http.post(f"/api/v1/tickets/{ticket.number}/sign-and-contact/", {"method": "visit"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
