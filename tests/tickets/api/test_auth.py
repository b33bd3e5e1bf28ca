"""Authentication (keys, sessions) and rate limits."""

import pytest
from rest_framework.test import APIClient

from clients.services import api_client_revoke

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_the_scheme_to_use(db):
    response = APIClient().get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nonsense", "Token ck_unknownkey", "Token a b", "Bearer"])
def test_bad_keys_are_401(db, header):
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=header)
    assert http.get("/api/v1/tickets/").status_code == 401


def test_revoked_client_is_401(as_client):
    http, client = as_client()
    assert http.get("/api/v1/tickets/").status_code == 200
    api_client_revoke(client=client)
    assert http.get("/api/v1/tickets/").status_code == 401


def test_bearer_scheme_works_too(staff):
    from clients.services import staff_token_create

    _token, key = staff_token_create(user=staff["operator"], name="x")
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert http.get("/api/v1/tickets/").status_code == 200


def test_session_works_for_the_browsable_api(client, staff):
    client.force_login(staff["operator"])
    response = client.get("/api/v1/tickets/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"<html" in response.content.lower()


def test_client_over_its_rate_gets_429_with_retry_after(as_client):
    http, _client = as_client(rate="2/min")
    assert [http.get("/api/v1/units/").status_code for _ in range(2)] == [200, 200]
    response = http.get("/api/v1/units/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_client_has_its_own_counter(as_client):
    first, _ = as_client(name="a", rate="1/min")
    second, _ = as_client(name="b", rate="1/min")
    assert first.get("/api/v1/units/").status_code == 200
    assert second.get("/api/v1/units/").status_code == 200
    assert first.get("/api/v1/units/").status_code == 429


def test_staff_rate_comes_from_settings(as_staff, settings):
    from clients.throttling import KeyRateThrottle

    original = KeyRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"staff": "1/min", "anon": "1/min"},
    }
    KeyRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        http = as_staff("operator")
        assert http.get("/api/v1/units/").status_code == 200
        assert http.get("/api/v1/units/").status_code == 429
    finally:
        KeyRateThrottle.THROTTLE_RATES = original


def test_a_counter_store_that_does_not_answer_refuses_with_429(as_client, monkeypatch, caplog):
    from clients import throttling

    def down(*args):
        raise ConnectionError("redis is down")

    http, _client = as_client()
    monkeypatch.setattr(throttling, "count", down)
    response = http.get("/api/v1/units/")
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert "counter store did not answer" in caplog.text


@pytest.mark.parametrize(
    ("rate", "amount", "seconds"),
    [("10/s", 10, 1), ("120/min", 120, 60), ("5000/day", 5000, 86400), ("3/hour", 3, 3600)],
)
def test_client_rates_read_as_the_admin_writes_them(rate, amount, seconds):
    from clients.throttling import parse_rate

    item = parse_rate(rate)
    assert (item.amount, item.get_expiry()) == (amount, seconds)
