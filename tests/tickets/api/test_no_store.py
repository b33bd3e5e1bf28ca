"""Every /api/v1/ answer says `Cache-Control: no-store` (issue 12 §3): a ticket's detail carries
the resident's name and number, and error bodies echo what was sent (portal.middleware)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives and not {"public", "max-age=300"} & directives


def test_a_tickets_detail_with_the_residents_contact_is_not_stored(as_staff, submit):
    ticket = submit()
    http = as_staff("operator")
    detail = http.get(f"/api/v1/tickets/{ticket.number}/")
    assert detail.status_code == 200 and detail.json()["contact_phone"] == "13812345678"
    assert no_store(detail)
    for url in ("/api/v1/tickets/", f"/api/v1/tickets/{ticket.number}/trajectory/"):
        assert no_store(http.get(url))


def test_creating_acting_and_every_error_are_not_stored(as_client, as_staff, new_ticket_body):
    http, _client = as_client()
    created = http.post("/api/v1/tickets/", new_ticket_body, format="json")
    assert created.status_code == 201 and no_store(created)  # carries the access code
    responses = [
        APIClient().get("/api/v1/tickets/"),  # 401
        http.get("/api/v1/tickets/00000000000000/"),  # 404
        http.post("/api/v1/tickets/", {**new_ticket_body, "contact_phone": "1"}, format="json"),
        as_staff("operator").get("/api/v1/tickets/", {"status": "nonsense"}),  # 400
        as_staff("handler").get("/api/v1/stats/rankings/"),  # 403
        as_staff("operator").get("/api/v1/categories/"),  # reference data too: the whole prefix
    ]
    assert [r.status_code for r in responses] == [401, 404, 400, 400, 403, 200]
    assert all(no_store(r) for r in responses)


def test_public_pages_keep_their_own_caching(client, city, category):
    options = client.get("/submit/options/regions/110105/")
    assert "no-store" not in options["Cache-Control"] and "max-age=300" in options["Cache-Control"]
    assert "no-store" not in client.get("/open311/v2/services.json").get("Cache-Control", "")
