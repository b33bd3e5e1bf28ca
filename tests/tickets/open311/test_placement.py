"""Open311 POST placed by `lat`/`long` alone (in WGS-84, or GCJ-02/BD-09 with our documented
`coord_system` extension), the 400 when nothing places it, and what GET publishes of the point:
the community's centre, never the resident's."""

import pytest

from geo import coords
from tests.geo.shapes import INSIDE_SHENGGUNAN, OUTSIDE, draw
from tickets.models import Ticket

from . import schemas
from .test_open311 import BASE, errors_of, get_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def point_body(post_body):
    body = {k: v for k, v in post_body.items() if k != "address_string"}
    lat, lon = INSIDE_SHENGGUNAN
    return {**body, "lat": f"{lat:.6f}", "long": f"{lon:.6f}"}


def posted(client, body) -> Ticket:
    response = client.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    return Ticket.objects.get(number=response.json()[0]["service_request_id"])


def test_lat_and_long_alone_place_the_request_in_its_community(client, city, point_body):
    draw(city)
    ticket = posted(client, point_body)
    assert ticket.region == city["shenggunan"] and ticket.street == city["hepingjie"]
    assert (float(ticket.latitude), float(ticket.longitude)) == INSIDE_SHENGGUNAN


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_coord_system_converts_a_chinese_maps_point(client, city, point_body, system):
    draw(city)
    lat, lon = coords.from_wgs84(*INSIDE_SHENGGUNAN, system)
    ticket = posted(
        client, {**point_body, "lat": f"{lat:.7f}", "long": f"{lon:.7f}", "coord_system": system}
    )
    assert ticket.region == city["shenggunan"]
    assert float(ticket.latitude) == pytest.approx(INSIDE_SHENGGUNAN[0], abs=2e-6)


def test_a_point_outside_every_boundary_is_400_naming_the_reason(client, city, point_body):
    draw(city)
    lat, lon = OUTSIDE
    body = {**point_body, "lat": f"{lat:.6f}", "long": f"{lon:.6f}"}
    text = errors_of(client.post(f"{BASE}/requests.json", body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert "lat/long: the point 39.900000, 116.420000 (WGS-84) lies outside every" in text
    assert not Ticket.objects.exists()


def test_a_point_outside_falls_back_to_the_address_string(client, city, point_body):
    draw(city)
    lat, lon = OUTSIDE
    body = {**point_body, "lat": f"{lat:.6f}", "long": f"{lon:.6f}",
            "address_string": "朝阳区安贞街道"}  # fmt: skip
    assert posted(client, body).region == city["anzhen"]


def test_outside_and_an_unknown_address_name_both_reasons(client, city, point_body):
    draw(city)
    lat, lon = OUTSIDE
    body = {**point_body, "lat": f"{lat:.6f}", "long": f"{lon:.6f}",
            "address_string": "Springfield"}  # fmt: skip
    text = errors_of(client.post(f"{BASE}/requests.json", body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert "lat/long:" in text and "address_string:" in text


def test_an_unknown_coord_system_is_400(client, city, point_body):
    draw(city)
    text = errors_of(client.post(f"{BASE}/requests.json", {**point_body, "coord_system": "x"}), 400)
    assert "coord_system" in text


def test_get_gives_the_communitys_centre_never_the_residents_point(client, city, point_body):
    outlines = draw(city)
    ticket = posted(client, {**point_body, "lat": "39.951234", "long": "116.401234"})
    item = get_json(client, f"requests/{ticket.number}", schemas.REQUESTS)[0]
    centre = outlines["shenggunan"].centroid
    assert (item["lat"], item["long"]) == (pytest.approx(centre.y), pytest.approx(centre.x))
    listing = client.get(f"{BASE}/requests.json").content.decode()
    xml = client.get(f"{BASE}/requests.xml").content.decode()
    for text in (listing, xml):
        assert "39.951234" not in text and "116.401234" not in text
        assert "39.95123" not in text  # not even rounded


def test_a_ticket_without_any_boundary_has_no_point_in_open_data(client, city, point_body):
    ticket = posted(client, {**point_body, "address_string": "朝阳区和平街街道"})
    item = get_json(client, f"requests/{ticket.number}", schemas.REQUESTS)[0]
    assert item["lat"] is None and item["long"] is None


def test_discovery_lists_the_coord_system_extension(client):
    body = get_json(client, "discovery", schemas.DISCOVERY)
    (extension,) = body["extensions"]
    assert extension["parameter"] == "coord_system"
    assert extension["values"] == "wgs84 gcj02 bd09" and extension["default"] == "wgs84"
