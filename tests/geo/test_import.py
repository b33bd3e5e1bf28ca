"""`manage.py import_boundaries`: what it stores and reports, and bad files stopping it with
the reason and nothing stored."""

import json
import re
from io import StringIO

import pytest
import shapely
from django.core.management import CommandError, call_command
from django.utils import translation

from geo import coords, index
from geo.models import Boundary

from .shapes import BOXES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def box_polygon(name, **change):
    west, south, east, north = BOXES[name]
    return shapely.geometry.mapping(shapely.box(west, south, east, north)) | change


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(tmp_path, data, name="boundaries.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_boundaries", str(path), *args, stdout=out, verbosity=0)
    return out.getvalue()


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_streets_are_matched_by_code_and_stored(city, tmp_path):
    path = write(
        tmp_path,
        collection(
            feature({"code": "110105019", "name": "和平街街道"}, box_polygon("hepingjie")),
            feature({"code": "110105003"}, box_polygon("anzhen")),
        ),
    )
    out = run(path, "--level", "street")
    assert "Matched: 2" in out and "Stored 2 boundaries." in out
    stored = Boundary.objects.get(region=city["hepingjie"])
    assert (stored.min_lon, stored.min_lat, stored.max_lon, stored.max_lat) == BOXES["hepingjie"]
    assert stored.centre_lat == pytest.approx(39.975) and stored.centre_lon == pytest.approx(
        116.425
    )
    assert stored.area_m2 == pytest.approx(0.05 * 0.05 * 110_574 * 111_320 * 0.766, rel=0.01)
    assert stored.source == "boundaries.geojson"
    assert index.place_at(39.96, 116.42) == city["hepingjie"]


def test_names_match_when_the_file_has_no_codes(city, tmp_path):
    path = write(
        tmp_path,
        collection(feature({"NAME": "和平街街道"}, box_polygon("hepingjie"))),
    )
    out = run(path, "--level", "street", "--name-field", "NAME", "--within", "110105")
    assert "Matched: 1" in out
    assert Boundary.objects.filter(region=city["hepingjie"]).exists()


def test_unmatched_features_and_regions_left_without_are_reported(city, tmp_path):
    path = write(
        tmp_path,
        collection(
            feature({"code": "110105019"}, box_polygon("hepingjie")),
            feature({"code": "110106001", "name": "丰台某街道"}, box_polygon("anzhen")),
            feature({"name": "无名街道"}, box_polygon("anzhen")),
            feature({}, box_polygon("anzhen")),
        ),
    )
    out = run(path, "--level", "street")
    assert "Matched: 1" in out
    assert "Not matched (not stored): 3" in out
    assert "no region of this level has code 110106001" in out
    assert "no region of this level is named 无名街道" in out
    assert "neither code nor name is set" in out
    assert (
        "Regions of this level still without a boundary: 1" in out and "110105003 安贞街道" in out
    )
    assert Boundary.objects.count() == 1


def test_overlaps_gaps_and_parts_outside_their_parent_are_reported(city, tmp_path):
    run(write(tmp_path, collection(feature({"code": "110105"}, box_polygon("chaoyang")))),
        "--level", "district")  # fmt: skip
    wide = shapely.geometry.mapping(shapely.box(116.40, 39.95, 116.47, 40.00))  # into 安贞
    narrow = shapely.geometry.mapping(shapely.box(116.46, 39.95, 116.55, 39.99))  # past 朝阳
    out = run(
        write(
            tmp_path,
            collection(
                feature({"code": "110105019"}, wide), feature({"code": "110105003"}, narrow)
            ),
            "streets.geojson",
        ),
        "--level",
        "street",
    )
    assert re.search(r"Overlaps: 1\n  和平街街道 × 安贞街道: [\d,]+ m²", out)
    assert re.search(r"Gaps: 1\n  朝阳区: [\d,]+ m² \(\d+\.\d%\) not covered", out)
    assert re.search(r"Outside their parent: 1\n  安贞街道: \d+\.\d% of it outside 朝阳区", out)
    assert Boundary.objects.count() == 3  # reported, and stored: the city decides


def test_a_gcj02_file_is_stored_in_wgs84(city, tmp_path):
    west, south, east, north = BOXES["hepingjie"]
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    shifted = [list(reversed(coords.wgs84_to_gcj02(lat, lon))) for lon, lat in corners]
    geometry = {"type": "Polygon", "coordinates": [shifted]}
    path = write(tmp_path, collection(feature({"code": "110105019"}, geometry)))
    run(path, "--level", "street", "--coord-system", "gcj02")
    stored = Boundary.objects.get()
    assert stored.min_lon == pytest.approx(west, abs=1e-6)
    assert stored.max_lat == pytest.approx(north, abs=1e-6)


def test_a_dry_run_stores_nothing(city, tmp_path):
    path = write(tmp_path, collection(feature({"code": "110105019"}, box_polygon("hepingjie"))))
    out = run(path, "--level", "street", "--dry-run")
    assert "Matched: 1" in out and "Dry run: nothing was stored." in out
    assert not Boundary.objects.exists()


def test_importing_again_replaces_the_regions_outlines(city, tmp_path):
    path = write(tmp_path, collection(feature({"code": "110105019"}, box_polygon("hepingjie"))))
    run(path, "--level", "street")
    smaller = shapely.geometry.mapping(shapely.box(116.40, 39.95, 116.42, 39.97))
    run(write(tmp_path, collection(feature({"code": "110105019"}, smaller))), "--level", "street")
    assert Boundary.objects.get().max_lon == 116.42


POINT = {"type": "Point", "coordinates": [116.4, 39.9]}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[116.40, 39.95], [116.45, 40.00], [116.45, 39.95], [116.40, 40.00],
                     [116.40, 39.95]]],
}  # fmt: skip


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON: Expecting property name enclosed in double quotes (line 1)"),
        ("[1, 2]", "not GeoJSON: expected an object with a type"),
        ({"type": "Polygon", "coordinates": []}, "not a GeoJSON FeatureCollection or Feature"),
        (collection(), "the file holds no features"),
        ({"type": "FeatureCollection", "features": [{"type": "Polygon"}]},
         "an item of features is not a Feature"),
        (collection(feature({"code": "110105019"}, POINT)),
         "feature 1 (110105019): a Point is no area: give a Polygon or MultiPolygon"),
        (collection(feature({"code": "110105019"}, None)), "feature 1 (110105019): no geometry"),
        (collection(feature({"name": "和平街街道"}, {"type": "Polygon",
                                                   "coordinates": [[[12958000, 4860000],
                                                                    [12959000, 4860000],
                                                                    [12959000, 4861000],
                                                                    [12958000, 4860000]]]})),
         "feature 1 (和平街街道): coordinates outside longitude −180…180 / latitude −90…90"),
        (collection(feature({"code": "110105019"}, BOWTIE)),
         "feature 1 (110105019): an invalid outline (Self-intersection"),
        (collection(feature({"code": "110105019"}, {"type": "Polygon", "coordinates": [[[1, 2]]]})),
         "feature 1 (110105019): unreadable coordinates"),
        (collection(feature({"code": "110105019"}, box_polygon("hepingjie")),
                    feature({"code": "110105019"}, box_polygon("hepingjie"))),
         "features 1 and 2 are both 和平街街道"),
        ({"type": "FeatureCollection", "crs": {"type": "name",
                                               "properties": {"name": "EPSG:3857"}},
          "features": [feature({"code": "110105019"}, box_polygon("hepingjie"))]},
         "the file's coordinate reference system is EPSG:3857"),
    ],
)  # fmt: skip
def test_a_bad_file_stops_the_import_with_the_reason_and_stores_nothing(
    city, tmp_path, content, reason
):
    kept = write(tmp_path, collection(feature({"code": "110105003"}, box_polygon("anzhen"))), "a")
    run(kept, "--level", "street")
    path = write(tmp_path, content)
    with pytest.raises(CommandError) as error:
        run(path, "--level", "street")
    assert reason in str(error.value)
    assert str(error.value).endswith("Nothing was imported.")
    assert list(Boundary.objects.values_list("region", flat=True)) == [city["anzhen"].pk]


def test_repair_fixes_an_invalid_outline(city, tmp_path):
    path = write(tmp_path, collection(feature({"code": "110105019"}, BOWTIE)))
    run(path, "--level", "street", "--repair")
    assert shapely.from_geojson(Boundary.objects.get().geometry).is_valid


def test_a_missing_file_is_named(city, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.geojson", "--level", "street")


def test_an_unknown_within_code_is_named(city, tmp_path):
    path = write(tmp_path, collection(feature({"code": "110105019"}, box_polygon("hepingjie"))))
    with pytest.raises(CommandError, match="--within: no region has code 999"):
        run(path, "--level", "street", "--within", "999")


# -- Shapefiles (pyshp) ----------------------------------------------------------------------------


def shapefile(tmp_path, records, *, encoding="utf-8", prj=None):
    import shapefile as pyshp

    base = tmp_path / "streets"
    with pyshp.Writer(str(base), shapeType=pyshp.POLYGON, encoding=encoding) as writer:
        writer.field("CODE", "C", size=12)
        writer.field("NAME", "C", size=40)
        for code, name, box in records:
            west, south, east, north = box
            # Shapefile rings run clockwise
            writer.poly([[(west, south), (west, north), (east, north), (east, south),
                          (west, south)]])  # fmt: skip
            writer.record(code, name)
    if prj:
        base.with_suffix(".prj").write_text(prj)
    return base.with_suffix(".shp")


def test_a_shapefile_is_imported(city, tmp_path):
    path = shapefile(tmp_path, [("110105019", "和平街街道", BOXES["hepingjie"])])
    out = run(path, "--level", "street", "--code-field", "CODE")
    assert "Stored 1 boundaries." in out
    assert index.place_at(39.96, 116.42) == city["hepingjie"]


def test_a_gbk_shapefile_needs_its_encoding(city, tmp_path):
    path = shapefile(tmp_path, [("", "和平街街道", BOXES["hepingjie"])], encoding="gbk")
    with pytest.raises(CommandError, match="give --encoding"):
        run(path, "--level", "street", "--name-field", "NAME")
    run(path, "--level", "street", "--name-field", "NAME", "--encoding", "gbk")
    assert Boundary.objects.filter(region=city["hepingjie"]).exists()


def test_a_projected_shapefile_is_refused(city, tmp_path):
    prj = 'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84"]]'
    path = shapefile(tmp_path, [("110105019", "和平街街道", BOXES["hepingjie"])], prj=prj)
    with pytest.raises(CommandError, match="the shapefile is projected"):
        run(path, "--level", "street", "--code-field", "CODE")
    assert not Boundary.objects.exists()


def test_a_damaged_shapefile_is_refused(city, tmp_path):
    path = tmp_path / "broken.shp"
    path.write_bytes(b"\x00" * 50)
    with pytest.raises(CommandError, match="shapefile"):
        run(path, "--level", "street")
