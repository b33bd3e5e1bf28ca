"""System checks of the map settings."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.translation import gettext as _

from .coords import CoordSystem

TILE_SYSTEMS = (CoordSystem.WGS84, CoordSystem.GCJ02)


@register()
def map_settings(app_configs, **kwargs):
    errors = []
    tiles = settings.PORTAL_MAP["tiles"]
    if settings.PORTAL_MAP["coord_system"] not in TILE_SYSTEMS:
        errors.append(
            Error(
                _("PORTAL_MAP_TILES_COORD_SYSTEM must be wgs84 or gcj02."),
                hint=_(
                    "Baidu's tiles (BD-09) use a projection of their own that the map cannot "
                    "draw; use a WGS-84 or GCJ-02 tile source."
                ),
                id="geo.E001",
            )
        )
    if tiles and not tiles.startswith("https://") and not tiles.startswith("http://"):
        errors.append(
            Error(
                _("PORTAL_MAP_TILES must be an http(s) URL template with {z}, {x} and {y}."),
                id="geo.E002",
            )
        )
    return errors
