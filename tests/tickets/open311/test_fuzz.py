"""Random queries and forms never make GeoReport answer 5xx; errors keep the spec's shape."""

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients import throttling

from . import schemas

pytestmark = pytest.mark.django_db

QUERY_NAMES = [
    "service_request_id", "service_code", "start_date", "end_date", "status", "page",
    "page_size", "updated_after", "updated_before", "extensions", "jurisdiction_id", "api_key",
]  # fmt: skip
FORM_NAMES = [
    "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
    "account_id", "first_name", "last_name", "phone", "description", "media_url",
    "jurisdiction_id", "attribute[building]", "attribute[sides][]",
]  # fmt: skip
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-11-26T00:00:00Z", "open,closed", "110105019", "13812345678", "-1"]),
)
FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip


def check(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        jsonschema.validate(response.json(), schemas.ERRORS)


def test_random_request_queries(client, lifecycle):
    lifecycle("dispatched")

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=6))
    def run(query):
        throttling.reset()
        check(client.get("/open311/v2/requests.json", query))

    run()


def test_random_paths(client, category):
    @FUZZ
    # Left out: characters that end the path (and with it the .json suffix), and the tab and
    # newlines that urllib strips from URLs before the request is made.
    @given(
        segment=st.text(
            st.characters(codec="utf-8", exclude_characters="/?#%\t\n\r"), min_size=1, max_size=20
        )
    )
    def run(segment):
        throttling.reset()
        for path in ("services", "requests", "tokens"):
            check(client.get(f"/open311/v2/{path}/{segment}.json"))

    run()


def test_random_forms(client, post_body):
    @FUZZ
    @given(form=st.dictionaries(st.sampled_from(FORM_NAMES), values, max_size=8))
    def run(form):
        throttling.reset()
        check(client.post("/open311/v2/requests.json", {**post_body, **form}))

    run()
