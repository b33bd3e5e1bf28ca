"""Placing a GeoReport request in the region tree.

Every ticket needs a region (district or finer). GeoReport's `address_id` is "the internal
address ID used by a jurisdiction's master address repository": ours is the region tree, so
`address_id` is a region code (the codes are listed at `/api/v1/regions/`). Otherwise a
`lat`/`long` point is placed by the regions' boundaries (`geo.index.place_at`: the community
containing it, else the finest region that does), given in WGS-84 or, with our extension
`coord_system`, in GCJ-02 or BD-09 (as Chinese map SDKs report; stored as WGS-84). A point
outside every boundary, or without one, falls back to `address_string`, matched against region
names: the finest region whose name appears in it, preferring one whose district (and street)
also appear. When nothing places the request, the 400 names each reason.
"""

from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import StrIndex

from departments.models import Region
from geo.coords import CoordSystem, to_wgs84
from geo.index import has_boundaries, place_at


def region_by_code(code: str) -> Region | None:
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    return region if region is not None and region.level >= Region.Level.DISTRICT else None


def region_in_address(address: str) -> Region | None:
    """The finest district-or-finer region named in `address`, or None."""
    address = (address or "").strip()
    if not address:
        return None
    named = list(
        Region.objects.filter(level__gte=Region.Level.DISTRICT)
        .annotate(at=StrIndex(Value(address), F("name")))
        .filter(at__gt=0)
        .select_related("parent__parent__parent")
    )
    if not named:
        return None
    named_ids = {r.pk for r in named}

    def support(region: Region) -> int:
        ancestors, node = 0, region.parent
        while node is not None:
            ancestors += node.pk in named_ids
            node = node.parent if node.level > Region.Level.DISTRICT else None
        return ancestors

    best = max(named, key=lambda r: (r.level, support(r), -len(r.code)))
    rivals = [r for r in named if r.level == best.level and support(r) == support(best)]
    if len(rivals) > 1:
        # Ambiguous at that level (two communities of the same name): fall back to what they
        # share, the finest common ancestor that was named too.
        parents = {r.parent_id for r in rivals}
        if len(parents) == 1 and best.parent_id in named_ids:
            return best.parent
        return None
    return best


def wgs84_point(lat: Decimal, lon: Decimal, system: str) -> tuple[float, float]:
    return to_wgs84(float(lat), float(lon), system or CoordSystem.WGS84)


def region_at_point(lat: Decimal, lon: Decimal, system: str) -> tuple[Region | None, str]:
    """The finest region containing the point, or None and why not (in words)."""
    from django.utils.translation import gettext as _

    wgs_lat, wgs_lon = wgs84_point(lat, lon, system)
    region = place_at(wgs_lat, wgs_lon)
    if region is not None:
        return region, ""
    if not has_boundaries():
        return None, _("lat/long: this jurisdiction has no boundaries to place a point in.")
    return None, _(
        "lat/long: the point %(lat).6f, %(lon).6f (WGS-84) lies outside every district, street "
        "and community of this jurisdiction."
    ) % {"lat": wgs_lat, "lon": wgs_lon}
