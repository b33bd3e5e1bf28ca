"""The OpenAPI schema: generated without warnings, served with its docs, and fuzzed.

The fuzzing runs schemathesis against `/api/schema/` twice: in-process (WSGI), and from outside
against a live server over a socket (pytest-django's live server, issue 16), each with a
bounded number of examples per operation (`API_FUZZ_EXAMPLES`, default 12), authenticated as
the hotline operator over a few real tickets. It fails on any 5xx and on any response that
does not match the schema (status code, content type, headers, body). It does not require
that schema-valid input be accepted: the services refuse what the schema cannot express (e.g.
a category that is not a leaf) with a documented 400.
"""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clients import throttling
from clients.services import staff_token_create

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))


def test_schema_generates_without_warnings(tmp_path, db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/tickets/{number}/dispatch/" in (tmp_path / "s.yaml").read_text()


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_api_never_fails_and_keeps_to_its_schema(db, lifecycle, staff):
    """One Hypothesis run per operation (schemathesis' pytest plugin's lazy fixtures do not
    work with pytest 9, so the operations are walked here)."""
    from django.core.wsgi import get_wsgi_application

    lifecycle("dispatched")
    lifecycle("closed")
    _row, token = staff_token_create(user=staff["operator"], name="fuzz")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    with connection_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        # every endpoint of /api/v1/ (analytics, attachments, the two suggestions, the change feed)
        assert len(operations) == 33
        for operation in operations:
            fuzz_operation(operation, token, checks)


@pytest.mark.django_db(transaction=True)
def test_a_live_server_never_fails_and_keeps_to_its_schema(live_server, lifecycle, staff):
    """The same checks from outside: real HTTP to a server listening on a port."""
    lifecycle("dispatched")
    lifecycle("closed")
    _row, token = staff_token_create(user=staff["operator"], name="fuzz")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 33
    for operation in operations:
        fuzz_operation(operation, token, checks, base_url=live_server.url)


@contextmanager
def connection_kept_open():
    """As Django's test client does: requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz_operation(operation, token, checks, base_url=None):

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case):
        throttling.reset()  # the fuzzing is not a test of the throttle
        case.call_and_validate(
            base_url=base_url, headers={"Authorization": f"Token {token}"}, checks=checks
        )

    fuzz()


def test_the_schema_states_what_the_server_requires(client, db):
    """Months are YYYY-MM strings; texts the services always require are required; what they
    require in some cases is written as alternatives; the form declares photos and answers."""
    spec = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    schemas = spec["components"]["schemas"]
    assert spec["info"]["title"] == "Hotline 12345 API"  # package hotline_12345_api_client

    month = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
    for path in ("/api/v1/stats/rankings/", "/api/v1/stats/units/{code}/trend/"):
        (param,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "month"]
        assert month.items() <= param["schema"].items()
    assert month.items() <= schemas["TrendPointOutput"]["properties"]["month"].items()

    assert "text" in schemas["TextInputRequest"]["required"]  # add-note, reply
    assert "reason" in schemas["ReasonInputRequest"]["required"]  # return, (request-)reopen
    answer = schemas["AnswerDirectlyRequest"]["anyOf"]
    assert [schemas[a["$ref"].rsplit("/", 1)[1]]["required"] for a in answer] == [
        ["answer"],
        ["article"],
    ]
    close = {
        ref.rsplit("/", 1)[1]: set(schemas[ref.rsplit("/", 1)[1]]["required"])
        for ref in schemas["CloseAtIntakeRequest"]["discriminator"]["mapping"].values()
    }
    assert close == {
        "CloseAsDuplicateRequest": {"outcome", "duplicate_of"},
        "CloseAsInvalidRequest": {"outcome", "note"},
        "CloseAsReferredRequest": {"outcome", "referred_to"},
    }

    create = spec["paths"]["/api/v1/tickets/"]["post"]["requestBody"]["content"]
    named, anonymous = (
        schemas[ref["$ref"].rsplit("/", 1)[1]]
        for ref in schemas[create["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]["oneOf"]
    )
    assert "contact_phone" in named["required"]
    assert named["properties"]["anonymous"]["enum"] == [False]
    assert anonymous["properties"]["anonymous"]["enum"] == [True]
    assert "contact_phone" not in anonymous["properties"]
    form = schemas[create["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert form["properties"]["photos"]["items"]["format"] == "binary"
    assert "attributes[" in form["additionalProperties"]["description"]

    problem = spec["paths"]["/api/v1/tickets/"]["post"]["responses"]["400"]
    assert problem == {"$ref": "#/components/responses/Problem400"}
    shared = spec["components"]["responses"]["Problem429"]
    assert "application/problem+json" in shared["content"]
    assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= shared["headers"].keys()
    ok = spec["paths"]["/api/v1/tickets/"]["get"]["responses"]["200"]
    assert {"RateLimit", "RateLimit-Policy"} <= ok["headers"].keys()
