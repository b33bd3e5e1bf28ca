"""/api/v1/stats/: the analytics figures for other systems."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analytics import refresh
from tickets import services

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/stats/rankings/",
    "/api/v1/stats/hotspots/",
    "/api/v1/stats/repeats/",
    "/api/v1/stats/topics/",
]


@pytest.fixture
def month(lifecycle, staff):
    ticket = lifecycle("replied")
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=False,
        satisfaction="basically",
    )  # fmt: skip
    refresh.rebuild(refresh.ticket_days())
    return f"{timezone.localdate():%Y-%m}"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", ENDPOINTS)
def test_analysts_read_every_endpoint(staff, month, url):
    assert client_for(staff["analyst"]).get(url, {"month": month}).status_code == 200


@pytest.mark.parametrize("url", ENDPOINTS)
def test_unit_staff_are_refused(staff, url):
    assert client_for(staff["handler"]).get(url).status_code == 403


def test_rankings_carry_both_figures(staff, units, month):
    (row,) = (
        client_for(staff["analyst"])
        .get("/api/v1/stats/rankings/", {"month": month, "kind": "street_office"})
        .json()
    )
    assert row["unit"]["code"] == units["street"].code and row["rank"] == 1
    assert row["rates"]["resolution"] == 0 and row["rates"]["satisfaction"] == pytest.approx(0.9)
    assert row["rates_without_exclusions"] == row["rates"]


def test_unit_trend(staff, units, month):
    points = (
        client_for(staff["supervisor"])
        .get(f"/api/v1/stats/units/{units['street'].code}/trend/", {"month": month})
        .json()
    )
    assert len(points) == 12 and points[-1]["month"] == month and points[-1]["valid"] == 1


def test_bad_parameters_are_a_400(staff):
    client = client_for(staff["analyst"])
    assert client.get("/api/v1/stats/rankings/", {"month": "2026-13"}).status_code == 400
    assert client.get("/api/v1/stats/hotspots/", {"window": 9}).status_code == 400
    assert client.get("/api/v1/stats/units/no-such-unit/trend/").status_code == 404
