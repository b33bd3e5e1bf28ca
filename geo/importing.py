"""Reading a boundary file and matching its features to regions (`manage.py import_boundaries`).

A file is read whole and checked before anything is written: a file that cannot be read, a
feature that is no area, coordinates that are not longitude/latitude, an invalid outline or two
features for one region stop the import with the reason and the feature's number, and nothing
is stored. Features that match no region are reported, not stored (a city's file often covers
its neighbours too).

Formats: GeoJSON (a FeatureCollection, a Feature or a bare geometry collection of features) and
ESRI Shapefile (`.shp` with its `.dbf`, or a `.zip` of them) through pyshp, a well-kept pure
Python reader. The coordinates must be longitude/latitude: WGS-84, CGCS2000 (China's datum,
within centimetres of WGS-84, taken as is) or, with `coord_system`, GCJ-02 / BD-09, which are
converted to WGS-84.
"""

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.utils.translation import gettext as _

from departments.models import Region

from . import geometry as geo

GEOGRAPHIC_CRS = ("CRS84", "4326", "4490", "WGS84", "WGS 84", "CGCS2000", "CGCS_2000")


class BadFile(ValueError):
    """The file cannot be imported; the message says why (and which feature)."""


@dataclass
class Feature:
    number: int  # 1-based, as people count
    properties: dict
    outline: shapely.Geometry


@dataclass
class Match:
    feature: Feature
    region: Region


@dataclass
class Plan:
    """What an import would do, and what it found on the way."""

    level: int
    matched: list[Match] = field(default_factory=list)
    unmatched: list[tuple[Feature, str]] = field(default_factory=list)
    missing: list[Region] = field(default_factory=list)  # regions of the level left without
    overlaps: list[tuple[Region, Region, float]] = field(default_factory=list)  # m²
    gaps: list[tuple[Region, float, float]] = field(default_factory=list)  # parent, m², share
    outside: list[tuple[Region, float]] = field(default_factory=list)  # child, share outside


# -- reading -----------------------------------------------------------------------------------


def read_features(path: Path, *, encoding: str | None = None, repair=False, coord_system="wgs84",
                  progress=lambda items, **kw: items) -> list[Feature]:  # fmt: skip
    path = Path(path)
    if not path.exists():
        raise BadFile(_("%(path)s: no such file") % {"path": path})
    suffix = path.suffix.lower()
    if suffix in (".shp", ".zip"):
        raw = _shapefile_features(path, encoding)
    else:
        raw = _geojson_features(path)
    features = []
    for number, (properties, geometry) in progress(
        enumerate(raw, start=1), desc=_("checking"), unit=_("features")
    ):
        try:
            outline = geo.outline_from_geojson(geometry, repair=repair)
            if coord_system != "wgs84":
                outline = geo.checked(geo.from_system(outline, coord_system), repair=repair)
        except geo.BadGeometry as error:
            label = _label(properties)
            raise BadFile(
                _("feature %(number)d%(label)s: %(reason)s")
                % {"number": number, "label": f" ({label})" if label else "", "reason": error}
            ) from error
        features.append(Feature(number, properties, outline))
    if not features:
        raise BadFile(_("the file holds no features"))
    return features


def _label(properties: dict) -> str:
    for key in ("name", "NAME", "code", "CODE", "名称"):
        if properties.get(key):
            return str(properties[key])[:40]
    return ""


def _geojson_features(path: Path):
    try:
        with path.open("rb") as stream:
            data = json.load(stream)
    except UnicodeDecodeError as error:
        raise BadFile(_("not UTF-8 text: GeoJSON is UTF-8 (RFC 7946)")) from error
    except json.JSONDecodeError as error:
        raise BadFile(
            _("not JSON: %(error)s (line %(line)d)") % {"error": error.msg, "line": error.lineno}
        ) from error
    if not isinstance(data, dict):
        raise BadFile(_("not GeoJSON: expected an object with a type"))
    _check_crs(data.get("crs"))
    kind = data.get("type")
    if kind == "FeatureCollection":
        items = data.get("features")
        if not isinstance(items, list):
            raise BadFile(_("a FeatureCollection without a list of features"))
    elif kind == "Feature":
        items = [data]
    else:
        raise BadFile(
            _("not a GeoJSON FeatureCollection or Feature (type %(kind)r): the regions' codes or "
              "names come from the features' properties") % {"kind": kind}
        )  # fmt: skip
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise BadFile(_("an item of features is not a Feature"))
        properties = item.get("properties") or {}
        if not isinstance(properties, dict):
            raise BadFile(_("a feature's properties are not an object"))
        yield properties, item.get("geometry")


def _check_crs(crs) -> None:
    """GeoJSON (RFC 7946) is WGS-84 longitude/latitude; older files may name a CRS."""
    if not crs:
        return
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    if not any(known in name.upper().replace("::", ":") for known in GEOGRAPHIC_CRS):
        raise BadFile(
            _("the file's coordinate reference system is %(name)s: convert it to WGS-84 "
              "longitude/latitude first, e.g. ogr2ogr -t_srs EPSG:4326") % {"name": name or crs}
        )  # fmt: skip


def _shapefile_features(path: Path, encoding: str | None):
    import shapefile  # pyshp

    prj = path.with_suffix(".prj")
    if prj.exists():
        text = prj.read_text(errors="replace")
        if text.lstrip().upper().startswith("PROJCS"):
            raise BadFile(
                _("the shapefile is projected (%(prj)s says PROJCS): convert it to WGS-84 "
                  "longitude/latitude first, e.g. ogr2ogr -t_srs EPSG:4326") % {"prj": prj.name}
            )  # fmt: skip
    cpg = path.with_suffix(".cpg")
    if encoding is None and cpg.exists():
        encoding = cpg.read_text(errors="replace").strip() or None
    damaged = (shapefile.ShapefileException, OSError, ValueError, IndexError, struct.error)
    try:
        reader = shapefile.Reader(str(path), encoding=encoding or "utf-8")
    except damaged as error:
        raise BadFile(_("not a readable shapefile: %(error)s") % {"error": error}) from error
    with reader:
        try:
            for shape_record in reader.iterShapeRecords():
                geometry = shape_record.shape.__geo_interface__
                yield shape_record.record.as_dict(), geometry
        except damaged as error:
            if isinstance(error, UnicodeDecodeError) or "decode" in str(error):
                raise BadFile(
                    _("the shapefile's attributes are not %(encoding)s text: give --encoding "
                      "(e.g. gbk)") % {"encoding": encoding or "utf-8"}
                ) from error  # fmt: skip
            raise BadFile(_("a damaged shapefile: %(error)s") % {"error": error}) from error


# -- matching and checks -------------------------------------------------------------------------


def match(features: list[Feature], *, level: int, code_field: str, name_field: str,
          within: Region | None = None) -> Plan:  # fmt: skip
    """Pair each feature with its region of `level` by code, else by name (unique within
    `within` if given). Two features for one region stop the import."""
    plan = Plan(level=level)
    regions = Region.objects.filter(level=level).select_related("parent__parent__parent")
    if within is not None:
        regions = [r for r in regions if within.pk in {a.pk for a in r.lineage()}]
    regions = list(regions)
    by_code = {r.code: r for r in regions}
    by_name: dict[str, list[Region]] = {}
    for region in regions:
        for name in {region.name, region.name_en}:
            if name:
                by_name.setdefault(name.strip(), []).append(region)
    claimed: dict[int, Feature] = {}
    for feature in features:
        code = str(feature.properties.get(code_field) or "").strip()
        name = str(feature.properties.get(name_field) or "").strip()
        region, reason = None, ""
        if code:
            region = by_code.get(code)
            reason = _("no region of this level has code %(code)s") % {"code": code}
        elif name:
            found = by_name.get(name, [])
            region = found[0] if len(found) == 1 else None
            reason = (
                _("no region of this level is named %(name)s") % {"name": name}
                if not found
                else _("%(count)d regions are named %(name)s: give codes, or --within")
                % {"count": len(found), "name": name}
            )
        else:
            reason = _("neither %(code)s nor %(name)s is set") % {
                "code": code_field,
                "name": name_field,
            }
        if region is None:
            plan.unmatched.append((feature, reason))
            continue
        if region.pk in claimed:
            raise BadFile(
                _("features %(first)d and %(second)d are both %(region)s")
                % {
                    "first": claimed[region.pk].number,
                    "second": feature.number,
                    "region": region.name,
                }
            )
        claimed[region.pk] = feature
        plan.matched.append(Match(feature, region))
    plan.missing = [r for r in regions if r.pk not in claimed and not _has_boundary(r)]
    return plan


def _has_boundary(region) -> bool:
    from .models import Boundary

    return Boundary.objects.filter(region=region).exists()


SLIVER_M2 = 100.0  # overlaps and gaps smaller than this are digitising noise, not reported
GAP_SHARE = 0.01  # a parent less than 99 % covered by its children has a gap worth naming


def check(plan: Plan, *, progress=lambda items, **kw: items) -> None:
    """Fill the plan's overlaps (between the file's outlines and the stored ones of the same
    level), gaps (parts of a parent not covered by its children) and children outside their
    parent."""
    from . import index

    outlines: dict[int, tuple[Region, shapely.Geometry]] = {}
    stored = index.current()
    for row, region_id in enumerate(stored.region_ids):
        if stored.levels[row] == plan.level:
            outlines[int(region_id)] = (None, stored.geometries[row])
    for item in plan.matched:
        outlines[item.region.pk] = (item.region, item.feature.outline)
    ids = list(outlines)
    shapes = [outlines[i][1] for i in ids]
    if not shapes:
        return
    regions = Region.objects.select_related("parent").in_bulk(ids)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    for a, b in progress(list(zip(left, right, strict=True)), desc=_("overlaps"), unit=_("pairs")):
        if a >= b:
            continue
        shared = geo.area_m2(shapes[a].intersection(shapes[b]))
        if shared >= SLIVER_M2:
            plan.overlaps.append((regions[ids[a]], regions[ids[b]], shared))
    # Each parent against the union of its children with outlines.
    children: dict[int, list[int]] = {}
    for position, region_id in enumerate(ids):
        parent_id = regions[region_id].parent_id
        if parent_id is not None:
            children.setdefault(parent_id, []).append(position)
    for parent_id, positions in progress(list(children.items()), desc=_("gaps"), unit=_("areas")):
        parent_outline = index.outline(parent_id)
        if parent_outline is None:
            continue
        union = shapely.union_all([shapes[p] for p in positions])
        parent_area = geo.area_m2(parent_outline)
        uncovered = geo.area_m2(parent_outline.difference(union))
        if uncovered >= SLIVER_M2 and parent_area and uncovered / parent_area >= GAP_SHARE:
            parent = Region.objects.get(pk=parent_id)
            plan.gaps.append((parent, uncovered, uncovered / parent_area))
        for position in positions:
            own = geo.area_m2(shapes[position])
            out = geo.area_m2(shapes[position].difference(parent_outline))
            if own and out >= SLIVER_M2 and out / own >= GAP_SHARE:
                plan.outside.append((regions[ids[position]], out / own))
