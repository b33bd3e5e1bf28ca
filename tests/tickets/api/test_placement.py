"""A demand given by its map point alone: placed by the boundaries, in any of the three
coordinate systems, stored in WGS-84; outside every boundary a 400 that says why."""

from decimal import Decimal

import pytest

from geo import coords
from tests.geo.shapes import IN_THE_GAP, INSIDE_SHENGGUNAN, OUTSIDE, draw
from tests.tickets.api.problems import error_fields
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def point_body(new_ticket_body):
    body = {k: v for k, v in new_ticket_body.items() if k != "region"}
    lat, lon = INSIDE_SHENGGUNAN
    return {**body, "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}


def created(response) -> Ticket:
    assert response.status_code == 201, response.content
    return Ticket.objects.get(number=response.json()["number"])


def test_latitude_and_longitude_alone_place_the_demand_in_its_community(
    as_client, city, point_body
):
    draw(city)
    http, _client = as_client()
    ticket = created(http.post("/api/v1/tickets/", point_body, format="json"))
    assert (ticket.region, ticket.street, ticket.district) == (
        city["shenggunan"], city["hepingjie"], city["chaoyang"],
    )  # fmt: skip
    assert (ticket.latitude, ticket.longitude) == (Decimal("39.960000"), Decimal("116.420000"))
    detail = http.get(f"/api/v1/tickets/{ticket.number}/").json()
    assert detail["community"]["code"] == "110105019001"


def test_a_point_in_a_gap_between_communities_is_placed_in_its_street(as_client, city, point_body):
    draw(city)
    http, _client = as_client()
    lat, lon = IN_THE_GAP
    body = {**point_body, "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}
    ticket = created(http.post("/api/v1/tickets/", body, format="json"))
    assert ticket.region == city["hepingjie"] and ticket.community is None


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_a_point_from_a_chinese_map_is_converted_and_stored_in_wgs84(
    as_client, city, point_body, system
):
    draw(city)
    http, _client = as_client()
    lat, lon = coords.from_wgs84(*INSIDE_SHENGGUNAN, system)
    body = {**point_body, "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}",
            "coord_system": system}  # fmt: skip
    ticket = created(http.post("/api/v1/tickets/", body, format="json"))
    assert ticket.region == city["shenggunan"]
    assert float(ticket.latitude) == pytest.approx(INSIDE_SHENGGUNAN[0], abs=2e-6)
    assert float(ticket.longitude) == pytest.approx(INSIDE_SHENGGUNAN[1], abs=2e-6)


def test_a_region_given_with_the_point_is_kept(as_client, city, point_body):
    draw(city)
    http, _client = as_client()
    body = {**point_body, "region": city["anzhen"].code}
    assert created(http.post("/api/v1/tickets/", body, format="json")).region == city["anzhen"]


def test_a_point_outside_every_boundary_is_400_saying_so(as_client, city, point_body):
    draw(city)
    http, _client = as_client()
    lat, lon = OUTSIDE
    body = {**point_body, "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}
    response = http.post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert "region" in error_fields(response)
    assert "lies outside every district, street and community" in response.content.decode()
    assert "39.900000, 116.420000" in response.content.decode()
    assert not Ticket.objects.exists()


def test_without_boundaries_a_point_alone_is_400_saying_so(as_client, city, point_body):
    http, _client = as_client()
    response = http.post("/api/v1/tickets/", point_body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "no boundaries to place a point in" in response.content.decode()


def test_an_unknown_coordinate_system_is_400(as_client, city, point_body):
    draw(city)
    http, _client = as_client()
    body = {**point_body, "coord_system": "mars"}
    response = http.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400 and "coord_system" in error_fields(response)
    assert not Ticket.objects.exists()


def test_neither_region_nor_point_is_400_naming_the_region(as_client, city, point_body):
    http, _client = as_client()
    body = {k: v for k, v in point_body.items() if k not in ("latitude", "longitude")}
    response = http.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400 and "region" in error_fields(response)
