"""What the maps fetch: a point's place, the outlines in view, one region's outline — in the
tiles' coordinate system — and the maps on the pages."""

import pytest

from geo import coords
from tests.geo.shapes import INSIDE_SHENGGUNAN, OUTSIDE, draw

pytestmark = pytest.mark.django_db


def test_a_point_finds_its_place_with_the_codes_for_the_lists(client, city):
    draw(city)
    lat, lon = INSIDE_SHENGGUNAN
    body = client.get("/maps/place/", {"lat": lat, "lon": lon, "coord_system": "wgs84"}).json()
    assert body["codes"] == ["110105", "110105019", "110105019001"]
    assert body["names"] == "朝阳区 和平街街道 胜古南社区"
    assert (body["lat"], body["lon"]) == ("39.960000", "116.420000")
    assert body["outline"]["properties"]["code"] == "110105019001"


def test_on_a_gcj02_map_a_pin_is_shifted_back_and_outlines_forward(client, city, settings):
    settings.PORTAL_MAP = {**settings.PORTAL_MAP, "coord_system": "gcj02"}
    draw(city)
    gcj_lat, gcj_lon = coords.wgs84_to_gcj02(*INSIDE_SHENGGUNAN)
    body = client.get("/maps/place/", {"lat": gcj_lat, "lon": gcj_lon}).json()  # the map's system
    assert (body["lat"], body["lon"]) == ("39.960000", "116.420000")
    assert body["mapPoint"] == [pytest.approx(gcj_lat, abs=1e-6), pytest.approx(gcj_lon, abs=1e-6)]
    west, south = body["outline"]["geometry"]["coordinates"][0][0]
    assert (south, west) != (39.95, 116.40)  # drawn shifted, where the tiles show the place
    shifted = coords.wgs84_to_gcj02(39.95, 116.40)
    assert min(p[1] for p in body["outline"]["geometry"]["coordinates"][0]) == pytest.approx(
        shifted[0], abs=1e-4
    )


def test_a_point_outside_is_404_with_the_reason_and_the_point(client, city):
    draw(city)
    lat, lon = OUTSIDE
    response = client.get("/maps/place/", {"lat": lat, "lon": lon}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "outside the areas the hotline has boundaries for" in response.json()["error"]
    assert response.json()["lat"] == "39.900000"


@pytest.mark.parametrize(
    "query",
    [{}, {"lat": "north", "lon": "116"}, {"lat": "95", "lon": "116"}, {"lat": "nan", "lon": "1"},
     {"lat": "39.9", "lon": "116.4", "coord_system": "mars"}],
)  # fmt: skip
def test_bad_points_are_400(client, city, query):
    assert client.get("/maps/place/", query).status_code == 400


def test_the_outlines_in_view_follow_the_zoom(client, city):
    draw(city)
    box = "116.39,39.94,116.51,40.01"
    districts = client.get("/maps/boundaries/", {"bbox": box, "zoom": 11}).json()
    assert [f["properties"]["code"] for f in districts["features"]] == ["110105"]
    streets = client.get("/maps/boundaries/", {"bbox": box, "zoom": 13}).json()
    assert sorted(f["properties"]["code"] for f in streets["features"]) == [
        "110105003", "110105019",
    ]  # fmt: skip
    communities = client.get("/maps/boundaries/", {"bbox": box, "zoom": 15}).json()
    assert [f["properties"]["code"] for f in communities["features"]] == ["110105019001"]
    far = client.get("/maps/boundaries/", {"bbox": "0,0,1,1", "zoom": 15}).json()
    assert far["features"] == []


@pytest.mark.parametrize("query", [{}, {"bbox": "1,2,3"}, {"bbox": "a,b,c,d", "zoom": 3},
                                   {"bbox": "1,2,3,4", "zoom": "x"}])  # fmt: skip
def test_bad_boxes_are_400(client, query):
    assert client.get("/maps/boundaries/", query).status_code == 400


def test_a_regions_outline_or_404(client, city):
    draw(city)
    assert client.get("/maps/regions/110105019/").json()["properties"]["name"] == "和平街街道"
    assert client.get("/maps/regions/110000/").status_code == 404  # the city has none
    assert client.get("/maps/regions/nope/").status_code == 404


def test_the_report_form_carries_the_map_and_its_local_tile(client, city, category):
    page = client.get("/submit/").content.decode()
    assert 'data-map="pick"' in page and "geo/vendor/leaflet/leaflet.js" in page
    assert '"tiles": "/static/geo/tile.png"' in page  # nothing fetched from elsewhere
    assert '"coordSystem": "wgs84"' in page


def test_a_tile_host_joins_img_src_and_nothing_else(settings):
    from portal.settings import _tile_sources

    sources = _tile_sources("https://{s}.tiles.example.cn/{z}/{x}/{y}.png", "ab")
    assert sources == ["https://a.tiles.example.cn", "https://b.tiles.example.cn"]
    assert _tile_sources("http://tiles.local:8080/{z}/{x}/{y}.png", "abc") == [
        "http://tiles.local:8080"
    ]
    assert _tile_sources("", "abc") == []
