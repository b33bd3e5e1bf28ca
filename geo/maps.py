"""What a page's map needs: its settings (tiles, coordinate system, where to fetch outlines and
places) and the outlines and points to draw, shifted into the tiles' coordinate system.

Every map is drawn by one script, `geo/static/geo/maps.js`, from a JSON document the page embeds
(`json_script`): nothing is inline script, so the public pages keep their Content-Security-Policy.
Boundaries and points are stored in WGS-84; when the tiles are GCJ-02 (`PORTAL_MAP`), what is
drawn is shifted into GCJ-02 here, and a pin a resident drops comes back with the map's system
(`coord_system`) to be shifted back by the server.
"""

import json

import shapely
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from .coords import from_wgs84
from .geometry import in_system
from .index import outline

# Outlines drawn on a map need less detail than they are stored with (~0.1 m).
DRAW_DIGITS = 5  # about 1 m


def tiles_system() -> str:
    return settings.PORTAL_MAP["coord_system"]


def config(**extra) -> dict:
    """The map's settings for `maps.js`; without configured tiles, the plain local tile."""
    conf = settings.PORTAL_MAP
    tiles = conf["tiles"]
    return {
        "tiles": tiles or static("geo/tile.png"),
        "blank": static("geo/blank.gif"),
        "subdomains": conf["subdomains"],
        "attribution": conf["attribution"] if tiles else "",
        "localTiles": not tiles,
        "maxZoom": conf["max_zoom"] if tiles else 19,
        "coordSystem": tiles_system(),
        "centre": conf["centre"][:2],
        "zoom": conf["centre"][2] if len(conf["centre"]) > 2 else 11,
        "boundariesUrl": reverse("geo:boundaries"),
        "placeUrl": reverse("geo:place"),
        "regionUrl": reverse("geo:region", args=["CODE"]),
        **extra,
    }


def drawn(geometry) -> dict:
    """A WGS-84 shapely outline as a GeoJSON geometry in the tiles' system, ~1 m precision."""
    shifted = in_system(geometry, tiles_system())
    rounded = shapely.set_precision(shifted, 10**-DRAW_DIGITS)
    return json.loads(shapely.to_geojson(rounded if not rounded.is_empty else shifted))


def region_feature(region, **properties) -> dict | None:
    """A region's outline as a GeoJSON Feature for drawing (None when it has none)."""
    shape = outline(region.pk)
    if shape is None:
        return None
    return {
        "type": "Feature",
        "geometry": drawn(shape),
        "properties": {
            "code": region.code,
            "name": region.display_name,
            "level": region.level,
            **properties,
        },
    }


def point_feature(lat, lon, **properties) -> dict:
    """A WGS-84 point as a GeoJSON Feature in the tiles' system."""
    y, x = from_wgs84(float(lat), float(lon), tiles_system())
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]},
        "properties": properties,
    }


# Load these with a ticket (select_related) and its place's outline costs no further query.
TICKET_RELATED = ("district__boundary", "street__boundary", "community__boundary")


def ticket_features(ticket, *, show_point: bool) -> list[dict]:
    """The outline of the ticket's finest place that has one and, for those who may see it,
    the resident's point (from the ticket's own row: see `TICKET_RELATED`)."""
    features = []
    for place in (ticket.community, ticket.street, ticket.district):
        boundary = getattr(place, "boundary", None) if place is not None else None
        if boundary is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": drawn(shapely.from_geojson(boundary.geometry)),
                    "properties": {
                        "code": place.code,
                        "name": place.display_name,
                        "level": place.level,
                        "role": "place",
                    },
                }
            )
            break
    if show_point and ticket.latitude is not None and ticket.longitude is not None:
        features.append(
            point_feature(ticket.latitude, ticket.longitude, role="point", name=_("Map point"))
        )
    return features
