"""The OpenAPI schema: generated without warnings, served with its docs, and fuzzed.

The fuzzing runs schemathesis against `/api/schema/` in-process (WSGI) with a bounded number of
examples per operation (`API_FUZZ_EXAMPLES`, default 12), authenticated as the hotline operator
over a few real tickets. It fails on any 5xx and on any response that does not match the schema
(status code, content type, headers, body). It does not require that schema-valid input be
accepted: the services refuse what the schema cannot express (e.g. a category that is not a leaf)
with a documented 400.
"""

import os
from contextlib import contextmanager

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
        assert len(operations) == 31  # every endpoint of /api/v1/ (analytics, the change feed)
        for operation in operations:
            fuzz_operation(operation, token, checks)


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


def fuzz_operation(operation, token, checks):

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
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)

    fuzz()
