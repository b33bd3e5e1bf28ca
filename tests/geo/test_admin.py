"""A boundary edited in the admin is checked and measured, and the index follows it."""

import json

import pytest
import shapely

from geo import index
from geo.models import Boundary

pytestmark = pytest.mark.django_db


def outline(*box):
    return json.dumps(shapely.geometry.mapping(shapely.box(*box)))


def test_a_boundary_added_in_the_admin_is_measured_and_used(admin_client, city):
    response = admin_client.post(
        "/admin/geo/boundary/add/",
        {
            "region": city["hepingjie"].pk,
            "geometry": outline(116.40, 39.95, 116.45, 40.00),
            "source": "survey",
        },
    )
    assert response.status_code == 302, response.content
    stored = Boundary.objects.get()
    assert (stored.min_lon, stored.max_lat) == (116.40, 40.00)
    assert stored.centre_lat == pytest.approx(39.975) and stored.area_m2 > 1e7
    assert index.place_at(39.96, 116.42) == city["hepingjie"]
    assert "和平街街道" in admin_client.get("/admin/geo/boundary/").content.decode()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [("{", "Not JSON"), ('{"type": "Point", "coordinates": [116.4, 39.9]}', "Point")],
)
def test_a_bad_outline_is_a_form_error(admin_client, city, geometry, message):
    response = admin_client.post(
        "/admin/geo/boundary/add/", {"region": city["hepingjie"].pk, "geometry": geometry},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200 and message in response.content.decode()
    assert not Boundary.objects.exists()
