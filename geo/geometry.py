"""Outlines as shapely geometries: checking what a file holds, measuring, and writing GeoJSON.

shapely (GEOS) does the geometry; this module only states our rules: an outline is a Polygon or
MultiPolygon in longitude/latitude WGS-84, valid (no self-intersections), not empty.
"""

import json
import math

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.ops import polylabel

from .coords import from_wgs84, to_wgs84

POLYGONAL = {"Polygon", "MultiPolygon"}
# Metres per degree of latitude, and of longitude at the equator (good to 0.5 % in China).
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0
DIGITS = 6  # about 0.1 m: finer adds nothing to an outline and only weighs the text


class BadGeometry(ValueError):
    """An outline that cannot be used, with the reason in words."""


def outline_from_geojson(data, *, repair: bool = False) -> shapely.Geometry:
    """A GeoJSON geometry object (dict) → a checked shapely Polygon or MultiPolygon."""
    if not isinstance(data, dict) or "type" not in data:
        raise BadGeometry(_("no geometry"))
    if data["type"] not in POLYGONAL:
        raise BadGeometry(
            _("a %(kind)s is no area: give a Polygon or MultiPolygon") % {"kind": data["type"]}
        )
    try:
        geometry = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise BadGeometry(_("unreadable coordinates (%(error)s)") % {"error": error}) from error
    return checked(geometry, repair=repair)


def checked(geometry, *, repair: bool = False) -> shapely.Geometry:
    if geometry.is_empty:
        raise BadGeometry(_("the outline is empty"))
    west, south, east, north = geometry.bounds
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadGeometry(_("coordinates that are not numbers"))
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadGeometry(
            _(
                "coordinates outside longitude −180…180 / latitude −90…90 (%(x).1f, %(y).1f): "
                "the file looks projected (metres) or has latitude and longitude swapped; "
                "convert it to longitude/latitude WGS-84 first, e.g. ogr2ogr -t_srs EPSG:4326"
            )
            % {"x": west, "y": south}
        )
    if not geometry.is_valid:
        if not repair:
            raise BadGeometry(
                _("an invalid outline (%(reason)s); --repair fixes it with shapely.make_valid")
                % {"reason": shapely.is_valid_reason(geometry)}
            )
        geometry = polygonal_part(shapely.make_valid(geometry))
        if geometry.is_empty:
            raise BadGeometry(_("nothing of the outline is left after repairing it"))
    return geometry


def polygonal_part(geometry) -> shapely.Geometry:
    """The polygons of a geometry (make_valid may add stray lines or points)."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def area_m2(geometry) -> float:
    """The area in square metres, on a local equirectangular scale (within 1 % for a city)."""
    if geometry.is_empty:
        return 0.0
    lat = geometry.centroid.y
    return geometry.area * M_PER_DEG_LAT * M_PER_DEG_LON * math.cos(math.radians(lat))


def centre(geometry) -> tuple[float, float]:
    """(lat, lon) of a point inside: the centroid if it is inside, else the pole of
    inaccessibility of the largest part."""
    point = geometry.centroid
    if not geometry.contains(point):
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        point = polylabel(largest, tolerance=1e-6)
    return point.y, point.x


def to_geojson(geometry, *, digits: int = DIGITS) -> str:
    rounded = shapely.set_precision(geometry, 10**-digits) if digits else geometry
    if rounded.is_empty:  # a sliver thinner than the grid: keep the original
        rounded = geometry
    return json.dumps(mapping(rounded), separators=(",", ":"))


def in_system(geometry, system: str):
    """The outline with its coordinates shifted into `system` (for a map drawn in GCJ-02)."""
    if system == "wgs84":
        return geometry

    def shift(coords):
        return [tuple(reversed(from_wgs84(y, x, system))) for x, y in coords]

    return shapely.transform(geometry, lambda xy: _apply(xy, shift))


def from_system(geometry, system: str):
    """The outline given in `system`, in WGS-84 (a boundary file published in GCJ-02)."""
    if system == "wgs84":
        return geometry

    def shift(coords):
        return [tuple(reversed(to_wgs84(y, x, system))) for x, y in coords]

    return shapely.transform(geometry, lambda xy: _apply(xy, shift))


def _apply(xy, shift):
    import numpy as np

    return np.array(shift(xy.tolist()), dtype=float).reshape(xy.shape)
