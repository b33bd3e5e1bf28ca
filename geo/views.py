"""What the maps fetch (JSON, public): the outlines in view, one region's outline, and the place
of a point. All answer in the tiles' coordinate system (`geo.maps`) and take points in any."""

import math

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from departments.models import Region
from tickets import lookups

from . import index, maps
from .coords import CoordSystem, from_wgs84, to_wgs84

MAX_FEATURES = 1500  # outlines answered at once; a wider view asks for a coarser level
# Levels drawn by zoom: districts when the whole city shows, streets, then communities.
LEVEL_BY_ZOOM = ((12, Region.Level.DISTRICT), (14, Region.Level.STREET))
BOX_MARGIN = 0.01  # degrees added around a box given in GCJ-02 (the shift is under 0.01°)


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _number(request, name, low, high) -> float | None:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def level_for_zoom(zoom: int) -> int:
    for below, level in LEVEL_BY_ZOOM:
        if zoom < below:
            return level
    return Region.Level.COMMUNITY


@cache_control(private=True, max_age=300)  # names follow the language
@require_safe
def boundaries(request):
    """Outlines meeting `bbox=west,south,east,north` (in the tiles' system) at the level for
    `zoom`, as a GeoJSON FeatureCollection."""
    try:
        west, south, east, north = (float(v) for v in request.GET.get("bbox", "").split(","))
        zoom = int(request.GET.get("zoom", "14"))
    except ValueError:
        return _bad(_("Give bbox=west,south,east,north and zoom."))
    if not all(math.isfinite(v) for v in (west, south, east, north)) or west > east:
        return _bad(_("Give bbox=west,south,east,north and zoom."))
    margin = BOX_MARGIN if maps.tiles_system() != CoordSystem.WGS84 else 0
    level = level_for_zoom(zoom)
    ids = index.within(west - margin, south - margin, east + margin, north + margin, level)
    regions = Region.objects.in_bulk(ids[:MAX_FEATURES])
    features = [maps.region_feature(regions[pk]) for pk in ids[:MAX_FEATURES] if pk in regions]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": [f for f in features if f is not None],
            "truncated": len(ids) > MAX_FEATURES,
        }
    )


@cache_control(private=True, max_age=300)  # names follow the language
@require_safe
def region(request, code):
    found = lookups.region(code) if "\x00" not in code else None
    feature = maps.region_feature(found) if found is not None else None
    if feature is None:
        return _bad(_("No boundary is known for this place."), status=404)
    return JsonResponse(feature)


@require_safe
def place(request):
    """The place of `lat`,`lon` (given in `coord_system`, by default the tiles'): the region
    codes from the district down, their names, the point in WGS-84 (what the form stores) and
    in the tiles' system (where to draw it), and the finest region's outline."""
    system = request.GET.get("coord_system") or maps.tiles_system()
    lat, lon = _number(request, "lat", -90, 90), _number(request, "lon", -180, 180)
    if system not in CoordSystem.values or lat is None or lon is None:
        return _bad(_("Give lat, lon and coord_system (wgs84, gcj02 or bd09)."))
    wgs_lat, wgs_lon = to_wgs84(lat, lon, system)
    map_lat, map_lon = from_wgs84(wgs_lat, wgs_lon, maps.tiles_system())
    found = index.place_at(wgs_lat, wgs_lon)
    body = {
        "lat": f"{wgs_lat:.6f}",
        "lon": f"{wgs_lon:.6f}",
        "mapPoint": [round(map_lat, 6), round(map_lon, 6)],
    }
    if found is None:
        body["error"] = _(
            "This point is outside the areas the hotline has boundaries for: choose the place "
            "from the lists."
        )
        return JsonResponse(body, status=404)
    lineage = [r for r in reversed(found.lineage()) if r.level >= Region.Level.DISTRICT]
    body.update(
        codes=[r.code for r in lineage],
        names=" ".join(r.display_name for r in lineage),
        outline=maps.region_feature(found),
    )
    return JsonResponse(body)
