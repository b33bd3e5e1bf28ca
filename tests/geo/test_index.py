"""A point finds its place: the finest region whose boundary holds it, at edges and outside,
and every process follows a change of the boundaries (the version stamp)."""

import pytest
import shapely

from geo import index, services
from geo.models import Boundary, BoundaryStamp

from .shapes import IN_THE_GAP, INSIDE_SHENGGUNAN, ON_THE_STREETS_EDGE, OUTSIDE, draw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def recheck_always(settings):
    settings.PORTAL_BOUNDARY_RECHECK_SECONDS = 0


def test_a_point_inside_a_community_finds_the_community(city):
    draw(city)
    assert index.place_at(*INSIDE_SHENGGUNAN) == city["shenggunan"]


def test_the_place_comes_with_its_ancestors_loaded(city, django_assert_num_queries):
    draw(city)
    index.place_at(*INSIDE_SHENGGUNAN)  # builds the index, caches the region
    with django_assert_num_queries(1):  # the version stamp only
        place = index.place_at(*INSIDE_SHENGGUNAN)
        assert [r.code for r in place.lineage()][:3] == ["110105019001", "110105019", "110105"]


def test_a_point_in_a_gap_between_communities_finds_the_street(city):
    draw(city)
    assert index.place_at(*IN_THE_GAP) == city["hepingjie"]


def test_a_point_on_the_edge_of_two_streets_goes_to_the_lower_code(city):
    draw(city)
    assert index.place_at(*ON_THE_STREETS_EDGE) == city["anzhen"]  # 110105003 < 110105019


@pytest.mark.parametrize(
    ("point", "name"),
    [
        ((39.95, 116.40), "shenggunan"),  # its south-west corner
        ((39.975, 116.42), "shenggunan"),  # its northern edge, the gap's southern
        ((40.00, 116.42), "hepingjie"),  # the district's northern edge
    ],
)
def test_edges_and_corners_count_as_inside(city, point, name):
    draw(city)
    assert index.place_at(*point) == city[name]


def test_a_point_outside_every_boundary_has_no_place(city):
    draw(city)
    assert index.place_at(*OUTSIDE) is None
    assert index.place_at(0.0, 0.0) is None


def test_without_boundaries_nothing_is_found(city):
    assert index.place_at(*INSIDE_SHENGGUNAN) is None
    assert not index.has_boundaries()


def test_a_hole_in_a_multipolygon_is_outside(city):
    ring = shapely.box(116.40, 39.95, 116.45, 39.975).difference(
        shapely.box(116.42, 39.955, 116.43, 39.965)
    )
    island = shapely.box(116.60, 39.95, 116.61, 39.96)
    services.boundaries_replace(
        [services.boundary_row(city["shenggunan"], shapely.MultiPolygon([ring, island]))]
    )
    assert index.place_at(39.96, 116.425) is None  # in the hole
    assert index.place_at(39.955, 116.605) == city["shenggunan"]  # on the island
    boundary = Boundary.objects.get()
    assert shapely.from_geojson(boundary.geometry).covers(
        shapely.Point(boundary.centre_lon, boundary.centre_lat)
    )


def test_an_import_in_this_process_is_used_at_once(city, settings):
    settings.PORTAL_BOUNDARY_RECHECK_SECONDS = 3600
    draw(city)
    assert index.place_at(*IN_THE_GAP) == city["hepingjie"]
    northern = shapely.box(116.40, 39.975, 116.45, 40.00)
    services.boundaries_replace([services.boundary_row(city["shenggunan"], northern)])
    assert index.place_at(*IN_THE_GAP) == city["shenggunan"]


def test_another_process_rebuilds_when_the_stamp_changes(city, settings):
    """Another process's change shows here only through the stamp in the database: its rows
    change without this process hearing of it, and the index follows the stamp."""
    draw(city)
    assert index.place_at(*IN_THE_GAP) == city["hepingjie"]
    northern = shapely.box(116.40, 39.975, 116.45, 40.00)
    row = services.boundary_row(city["shenggunan"], northern)
    Boundary.objects.filter(region=city["shenggunan"]).update(geometry=row.geometry)  # no signal
    assert index.place_at(*IN_THE_GAP) == city["hepingjie"]  # same stamp: same index
    BoundaryStamp.objects.update(token="another-process")
    assert index.place_at(*IN_THE_GAP) == city["shenggunan"]


def test_a_boundary_saved_or_deleted_alone_changes_the_stamp(city):
    draw(city)
    before = BoundaryStamp.objects.get().token
    Boundary.objects.get(region=city["shenggunan"]).delete()
    assert BoundaryStamp.objects.get().token != before
    assert index.place_at(*INSIDE_SHENGGUNAN) == city["hepingjie"]
