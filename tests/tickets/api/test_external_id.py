"""`external_id`: an API client's own reference for a ticket, unique per client, stored with the
ticket (`clients.Submission`), returned and filterable."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from clients.models import Submission
from clients.services import api_client_create
from departments.models import Membership
from tests.factories import MembershipFactory
from tests.tickets.api.problems import error_fields
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
TICKETS = "/api/v1/tickets/"


def test_the_reference_is_stored_returned_and_found(as_client, new_ticket_body):
    http, _client = as_client()
    created = http.post(TICKETS, {**new_ticket_body, "external_id": "WX-2026-0001"}, format="json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["external_id"] == "WX-2026-0001"
    assert Submission.objects.get(ticket__number=number).external_id == "WX-2026-0001"
    http.post(TICKETS, {**new_ticket_body, "external_id": "WX-2026-0002"}, format="json")
    assert http.get(f"{TICKETS}{number}/").json()["external_id"] == "WX-2026-0001"
    found = http.get(TICKETS, {"external_id": "WX-2026-0001"}).json()["results"]
    assert [t["number"] for t in found] == [number]
    assert found[0]["external_id"] == "WX-2026-0001"
    assert http.get(TICKETS, {"external_id": "WX-unknown"}).json()["results"] == []


def test_a_ticket_without_a_reference_shows_null(as_client, new_ticket_body):
    http, _client = as_client()
    number = http.post(TICKETS, new_ticket_body, format="json").json()["number"]
    assert http.get(f"{TICKETS}{number}/").json()["external_id"] is None


def test_the_same_reference_twice_is_409_naming_the_ticket_and_creates_nothing(
    as_client, new_ticket_body
):
    http, _client = as_client()
    body = {**new_ticket_body, "external_id": "WX-7"}
    first = http.post(TICKETS, body, format="json").json()["number"]
    again = http.post(TICKETS, body, format="json")
    assert again.status_code == 409, again.content
    assert first in str(again.json())  # the error's code is `external_id_taken`
    assert Ticket.objects.count() == 1


def test_references_are_unique_per_client_only(as_client, new_ticket_body):
    one, _ = as_client(name="app one")
    two, _ = as_client(name="app two")
    body = {**new_ticket_body, "external_id": "ORDER-1"}
    a = one.post(TICKETS, body, format="json").json()["number"]
    b = two.post(TICKETS, body, format="json").json()["number"]
    assert a != b
    assert [
        t["number"] for t in one.get(TICKETS, {"external_id": "ORDER-1"}).json()["results"]
    ] == [a]
    assert [
        t["number"] for t in two.get(TICKETS, {"external_id": "ORDER-1"}).json()["results"]
    ] == [b]


def test_staff_see_and_find_any_clients_reference(as_client, as_staff, new_ticket_body):
    http, _client = as_client()
    number = http.post(TICKETS, {**new_ticket_body, "external_id": "D-9"}, format="json").json()[
        "number"
    ]
    staff = as_staff("operator")
    assert staff.get(f"{TICKETS}{number}/").json()["external_id"] == "D-9"
    found = staff.get(TICKETS, {"external_id": "D-9"}).json()["results"]
    assert [t["number"] for t in found] == [number]


def test_another_client_seeing_the_ticket_through_its_unit_does_not_see_the_reference(
    as_client, new_ticket_body, units, staff
):
    submitter, _ = as_client(name="resident app")
    number = submitter.post(
        TICKETS, {**new_ticket_body, "external_id": "R-1"}, format="json"
    ).json()["number"]
    hotline_app, hotline_client = as_client(name="hotline app")
    MembershipFactory(
        user=hotline_client.user, department=units["hotline"], role=Membership.Role.OPERATOR
    )
    assert hotline_app.get(f"{TICKETS}{number}/").json()["external_id"] is None
    assert hotline_app.get(TICKETS, {"external_id": "R-1"}).json()["results"] == []


def test_a_staff_caller_cannot_give_a_reference(as_staff, new_ticket_body):
    response = as_staff("operator").post(
        TICKETS, {**new_ticket_body, "external_id": "X"}, format="json"
    )
    assert response.status_code == 400 and "external_id" in error_fields(response)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ["x" * 101, "a\x00b"])
def test_a_bad_reference_is_400(as_client, new_ticket_body, value):
    http, _client = as_client()
    response = http.post(TICKETS, {**new_ticket_body, "external_id": value}, format="json")
    assert response.status_code == 400 and "external_id" in error_fields(response)


def test_a_nul_in_the_filter_is_not_a_server_error(as_client):
    http, _client = as_client()
    assert http.get(TICKETS, {"external_id": "a\x00b"}).status_code in (200, 400)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_creates_at_once_with_one_reference_make_one_ticket(city, category):
    _client, key = api_client_create(name="racing app", rate_limit="1000/min")
    body = {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "楼牌号缺失。",
        "contact_phone": "13812345678",
        "external_id": "RACE-1",
    }
    barrier, results = threading.Barrier(2), []

    def create():
        try:
            http = APIClient()
            http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            barrier.wait()
            results.append(http.post(TICKETS, body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(results) == [201, 409]
    assert Ticket.objects.count() == 1
