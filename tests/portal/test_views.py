"""The public home page and the health check."""

import pytest

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_home_page_is_in_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "12345市民服务热线" in response.text


def test_home_page_in_english(client):
    response = client.get("/", headers={"accept-language": "en"})
    assert "12345 Citizen Service Hotline" in response.text


def test_healthz_reports_database_broker_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_degraded_but_200_when_the_broker_is_unreachable(client, monkeypatch):
    """Intake goes on without the broker: a load balancer must keep the process in rotation."""
    # A real broker URL nobody listens on (port 1), not a mock.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "down",
        "cache": "ok",
    }
