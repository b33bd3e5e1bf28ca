"""`GET /api/v1/changes/`: the change feed through the API, scoped like every other read.

Most tests run inside pytest-django's transaction, where the test's own open transaction would
hide its changes below PostgreSQL's horizon; they read without the horizon (`no_horizon`, the
SQLite behaviour), and the horizon itself is tested in tests/tickets/test_changes.py and below.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Membership
from tests.factories import MembershipFactory
from tests.tickets.api.problems import error_fields
from tickets import changes, services

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


@pytest.fixture
def no_horizon(monkeypatch):
    monkeypatch.setattr(changes, "horizon", lambda: None)


def follow(http, after=None, limit=None):
    """Every change from `after` on, following `next`; returns (changes, last next)."""
    found = []
    while True:
        query = {k: v for k, v in {"after": after, "limit": limit}.items() if v is not None}
        response = http.get(FEED, query)
        assert response.status_code == 200, response.content
        body = response.json()
        found += body["changes"]
        after = body["next"]
        if not body["more"]:
            return found, after


def test_staff_see_every_event_of_their_tickets_with_names(no_horizon, as_staff, lifecycle, staff):
    ticket = lifecycle("dispatched")
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快")
    found, _next = follow(as_staff("operator"))
    assert [c["type"] for c in found] == [
        "ticket.created",
        "ticket.accept",
        "ticket.dispatch",
        "ticket.supervise",
    ]
    assert found[-1]["event"]["public"] is False and found[-1]["event"]["actor"]
    assert found[-1]["ticket"]["number"] == ticket.number
    assert found[-1]["ticket"]["status"] == "dispatched"
    assert "*" in found[-1]["ticket"]["contact_name"]  # masked as in the list


def test_a_handler_sees_only_the_changes_of_tickets_in_the_units_scope(
    no_horizon, as_staff, lifecycle
):
    lifecycle("dispatched")  # to 和平街街道, where "handler" works
    found, _next = follow(as_staff("other_handler"))
    assert found == []


def test_a_client_sees_the_public_changes_of_its_own_submissions_without_names(
    no_horizon, as_client, new_ticket_body, staff, lifecycle
):
    http, _client = as_client()
    number = http.post(FEED.replace("changes", "tickets"), new_ticket_body, format="json").json()[
        "number"
    ]
    lifecycle("dispatched")  # somebody else's ticket
    from tickets.models import Ticket

    ticket = Ticket.objects.get(number=number)
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快")
    found, _next = follow(http)
    assert [(c["ticket"]["number"], c["type"]) for c in found] == [
        (number, "ticket.created"),
        (number, "ticket.accept"),
    ]  # the supervision is internal, the other ticket not the client's
    assert all(c["event"]["actor"] == "" for c in found)


def test_a_client_with_a_unit_membership_sees_that_units_tickets_in_full(
    no_horizon, as_client, lifecycle, units, staff
):
    http, client = as_client(name="street platform")
    MembershipFactory(user=client.user, department=units["street"], role=Membership.Role.HANDLER)
    ticket = lifecycle("dispatched")
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快")
    found, _next = follow(http)
    assert found[-1]["type"] == "ticket.supervise" and found[-1]["event"]["actor"]


def test_pages_and_cursors(no_horizon, as_staff, lifecycle):
    for _ in range(3):
        lifecycle("accepted")
    http = as_staff("operator")
    first = http.get(FEED, {"limit": 4}).json()
    assert len(first["changes"]) == 4 and first["more"] is True
    assert first["next"] == first["changes"][-1]["cursor"]
    rest, last = follow(http, after=first["next"], limit=4)
    assert len(rest) == 2
    numbers = [c["cursor"] for c in first["changes"] + rest]
    assert len(set(numbers)) == 6
    assert http.get(FEED, {"after": last}).json() == {"changes": [], "next": last, "more": False}


def test_after_now_starts_from_the_present(no_horizon, as_staff, lifecycle, staff):
    ticket = lifecycle("accepted")
    http = as_staff("operator")
    start = http.get(FEED, {"after": "now"}).json()
    assert start["changes"] == []
    services.ticket_supervise(ticket_id=ticket.pk, actor=staff["supervisor"], instruction="快")
    found, _next = follow(http, after=start["next"])
    assert [c["type"] for c in found] == ["ticket.supervise"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"after": "yesterday"}, "after"),
        ({"after": "1-2-3"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_bad_parameters_are_400_naming_them(as_staff, db, staff, query, field):
    response = as_staff("operator").get(FEED, query)
    assert response.status_code == 400 and field in error_fields(response)


def test_the_feed_needs_a_key(client):
    assert client.get(FEED).status_code in (401, 403)


def test_a_page_costs_the_same_queries_however_many_changes_it_holds(
    no_horizon, as_staff, lifecycle
):
    http = as_staff("operator")
    lifecycle("accepted")
    with CaptureQueriesContext(connection) as few:
        assert len(http.get(FEED).json()["changes"]) == 2
    for _ in range(5):
        lifecycle("dispatched")
    with CaptureQueriesContext(connection) as many:
        assert len(http.get(FEED).json()["changes"]) == 17
    assert len(many) == len(few)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_feed_over_http_with_the_real_horizon(as_client, new_ticket_body):
    http, _client = as_client()
    start = http.get(FEED, {"after": "now"}).json()["next"]
    numbers = [
        http.post("/api/v1/tickets/", new_ticket_body, format="json").json()["number"]
        for _ in range(2)
    ]
    found, after, deadline = [], start, time.monotonic() + 60
    while len(found) < 2 and time.monotonic() < deadline:
        more, after = follow(http, after=after)
        found += more
        time.sleep(0.1)
    assert [c["ticket"]["number"] for c in found] == numbers
