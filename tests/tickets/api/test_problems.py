"""Every REST API error is an RFC 9457 problem document (`application/problem+json`) with a
stable `code`, the invalid fields for a 400, in the caller's language (issue 16 §3)."""

import pytest
from rest_framework.test import APIClient

from tickets.models import CategoryAttribute, Ticket

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code"}


def problem_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"/api/problems/{code}"
    assert body["title"] and body["detail"]
    return body


def test_invalid_input_lists_each_field_with_its_code(as_client, new_ticket_body):
    http, _client = as_client()
    body = {**new_ticket_body, "kind": "nonsense", "contact_phone": ""}
    del body["description"]
    response = http.post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    problem = problem_of(response, 400, "invalid")
    assert problem["instance"] == "/api/v1/tickets/"
    by_field = {e["field"]: e for e in problem["errors"]}
    assert by_field["kind"]["code"] == "invalid_choice"
    assert by_field["description"]["code"] == "required"
    assert "description: This field is required." in problem["detail"]
    assert Ticket.objects.count() == 0


def test_a_service_refusal_names_the_field_as_the_form_sends_it(
    as_client, new_ticket_body, category
):
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", required=True,
        description="Which building?",
    )  # fmt: skip
    http, _client = as_client()
    response = http.post("/api/v1/tickets/", new_ticket_body, format="json")
    problem = problem_of(response, 400, "invalid")
    assert problem["errors"] == [
        {"field": "attributes[building]", "code": "required", "detail": "此问题必须回答。"}
    ]


def test_the_caller_language_chooses_title_and_detail(as_client):
    http, _client = as_client()
    chinese = problem_of(http.get("/api/v1/tickets/NOPE/"), 404, "not_found")
    english = problem_of(
        http.get("/api/v1/tickets/NOPE/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert english["title"] == "Not found." and chinese["title"] != english["title"]
    assert english["detail"] == "No Ticket matches the given query." or english["detail"]


def test_missing_and_wrong_keys_are_401():
    http = APIClient()
    problem_of(http.get("/api/v1/tickets/"), 401, "not_authenticated")
    http.credentials(HTTP_AUTHORIZATION="Token wrong")
    problem_of(http.get("/api/v1/tickets/"), 401, "authentication_failed")


def test_a_client_without_the_grant_gets_403(as_client, lifecycle):
    ticket = lifecycle("submitted")
    http, _client = as_client(actions=("submit",))
    # not its ticket: outside its scope
    problem_of(http.post(f"/api/v1/tickets/{ticket.number}/accept/", {}), 404, "not_found")


def test_a_workflow_refusal_is_409_with_the_domain_code(as_staff, lifecycle):
    ticket = lifecycle("closed")
    http = as_staff("dispatcher")
    response = http.post(
        f"/api/v1/tickets/{ticket.number}/dispatch/", {"lead": "st-110105019"}, format="json"
    )
    problem_of(response, 409, "transition_not_allowed")


def test_a_wrong_method_and_a_wrong_body_format(as_staff):
    http = as_staff("operator")
    problem_of(http.put("/api/v1/tickets/", {}), 405, "method_not_allowed")
    response = http.post("/api/v1/tickets/", "kind=help", content_type="text/plain")
    problem_of(response, 415, "unsupported_media_type")
    response = http.post("/api/v1/tickets/", "{not json", content_type="application/json")
    problem_of(response, 400, "parse_error")


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v2/tickets/", "/api/", "/api/v1/tickets/A/B/C/"]
)
def test_an_unknown_url_under_api_is_a_problem_not_a_page(client, path):
    problem = problem_of(client.get(path), 404, "not_found")
    assert problem["instance"] == path


def test_a_path_without_its_final_slash_is_redirected_keeping_the_method(as_client):
    http, _client = as_client()
    response = http.post("/api/v1/tickets?x=1", {}, format="json")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/tickets/?x=1"


def test_throttled_is_429_naming_the_policy(as_client):
    http, _client = as_client(rate="1/min")
    assert http.get("/api/v1/categories/").status_code == 200
    response = http.get("/api/v1/categories/")
    problem = problem_of(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    assert problem["violated-policies"] == ["client"]


def test_an_unexpected_failure_is_a_500_problem_without_internals(as_staff, monkeypatch):
    from tickets import stats

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(stats, "open_by_status", broken)
    http = as_staff("operator")
    http.raise_request_exception = False
    response = http.get("/api/v1/stats/open/", HTTP_ACCEPT_LANGUAGE="en")
    problem = problem_of(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert problem["detail"] == "The server failed to answer this request."


def test_a_failure_outside_the_views_is_a_problem_too(rf):
    from tickets.api.views.problems import server_error

    response = server_error(rf.get("/api/v1/tickets/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"
    page = server_error(rf.get("/track/"))
    assert page.status_code == 500 and "problem" not in page["Content-Type"]


def test_the_problem_types_are_listed_where_type_points(client):
    listed = client.get("/api/problems/").json()
    assert {"code": "invalid", "status": 400}.items() <= listed[0].items()
    one = client.get("/api/problems/throttled", HTTP_ACCEPT_LANGUAGE="en").json()
    assert one["status"] == 429 and one["type"] == "/api/problems/throttled"
    problem_of(client.get("/api/problems/nonsense"), 404, "not_found")


def test_every_counted_response_announces_its_quota(as_client, as_staff, client):
    """RateLimit-Policy and RateLimit as draft-ietf-httpapi-ratelimit-headers-10 writes them."""
    http, _client = as_client(rate="120/min")
    first = http.get("/api/v1/categories/")
    assert first.status_code == 200
    assert first["RateLimit-Policy"] == '"client";q=120;w=60'
    remaining, reset = _parse(first["RateLimit"], "client")
    assert remaining == 119 and 0 < reset <= 60
    second = http.get("/api/v1/tickets/NOPE/")  # errors are counted and announced too
    assert second.status_code == 404 and _parse(second["RateLimit"], "client")[0] == 118
    staff = as_staff("operator").get("/api/v1/units/")
    assert staff["RateLimit-Policy"].startswith('"staff";q=600;w=60')
    anonymous = client.get("/open311/v2/services.json")
    assert anonymous["RateLimit-Policy"].startswith('"anon";q=120;w=60')


def test_a_throttled_response_has_no_quota_left(as_client):
    http, _client = as_client(rate="2/hour")
    http.get("/api/v1/units/")
    http.get("/api/v1/units/")
    refused = http.get("/api/v1/units/")
    assert refused.status_code == 429
    remaining, reset = _parse(refused["RateLimit"], "client")
    assert remaining == 0 and 3500 < reset <= 3600
    assert int(refused["Retry-After"]) == reset  # never earlier than the reset (the draft)


def _parse(field: str, name: str) -> tuple[int, int]:
    policy, *params = field.split(";")
    assert policy == f'"{name}"'
    values = dict(p.split("=") for p in params)
    return int(values["r"]), int(values["t"])


def test_an_error_another_part_defines_keeps_its_status_code_and_title(as_staff, monkeypatch):
    """E.g. an Idempotency-Key reused with another body (issue 16 §1 raises such errors)."""
    from django.utils.translation import gettext_lazy
    from rest_framework.exceptions import APIException

    from tickets.api.views import stats as stats_views

    class KeyReused(APIException):
        status_code = 422
        default_code = "idempotency_key_reused"
        default_detail = gettext_lazy("Not found.")  # any translated message

    def refuse(*args, **kwargs):
        raise KeyReused("This key was used with another request body.")

    monkeypatch.setattr(stats_views.OpenStatsView, "get", refuse)
    response = as_staff("operator").get("/api/v1/stats/open/", HTTP_ACCEPT_LANGUAGE="en")
    problem = problem_of(response, 422, "idempotency_key_reused")
    assert problem["title"] == "Not found."
    assert problem["detail"] == "This key was used with another request body."
