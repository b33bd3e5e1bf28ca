"""The three coordinate systems of maps in China, and the conversions between them (pure).

- **WGS-84** (`wgs84`): GPS, the browser's geolocation, OpenStreetMap. What the portal stores.
- **GCJ-02** (`gcj02`, "Mars coordinates"): required of maps published in mainland China; AMap
  (高德), Tencent, Apple and Google maps in China and their SDKs report it.
- **BD-09** (`bd09`): Baidu's further shift of GCJ-02.

WGS-84 → GCJ-02 is the published obfuscation formula (Krasovsky ellipsoid, the well-known
polynomial offsets); it is not invertible in closed form, so GCJ-02 → WGS-84 iterates the
forward formula until the error is below a millimetre (a single reverse step, as many snippets do,
leaves up to a few metres). GCJ-02 ↔ BD-09 is Baidu's published rotation (its reverse refined the
same way). Outside mainland China
(a rough box, as every implementation uses) GCJ-02 equals WGS-84.

Tested against published reference points in tests/geo/test_coords.py. No well-kept package
does this (those on PyPI are single-author snippets last released years ago), so it is here:
about 80 lines.
"""

import math

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS)")
    GCJ02 = "gcj02", _("GCJ-02 (AMap, Tencent and other maps in China)")
    BD09 = "bd09", _("BD-09 (Baidu maps)")


_A = 6378245.0  # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0


def out_of_china(lat: float, lon: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lat: float, lon: float) -> tuple[float, float]:
    """The GCJ-02 shift (degrees of latitude, longitude) at a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += common
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += common
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(radlat) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _offset(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float, *, tolerance: float = 1e-9) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lat, lon), by fixed-point iteration (converges
    in 3–5 steps: the shift changes slowly with the position)."""
    if out_of_china(lat, lon):
        return lat, lon
    wlat, wlon = lat, lon
    for _step in range(30):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        elat, elon = glat - lat, glon - lon
        if abs(elat) < tolerance and abs(elon) < tolerance:
            break
        wlat, wlon = wlat - elat, wlon - elon
    return wlat, wlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float, *, tolerance: float = 1e-10) -> tuple[float, float]:
    """Baidu's published reverse formula is off by up to ~10 cm; a few fixed-point steps on
    the forward formula make it exact."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    glat, glon = z * math.sin(theta), z * math.cos(theta)
    for _step in range(10):
        blat, blon = gcj02_to_bd09(glat, glon)
        elat, elon = blat - lat, blon - lon
        if abs(elat) < tolerance and abs(elon) < tolerance:
            break
        glat, glon = glat - elat, glon - elon
    return glat, glon


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """A point given in `system` (a `CoordSystem` value), in WGS-84."""
    if system == CoordSystem.GCJ02:
        return gcj02_to_wgs84(lat, lon)
    if system == CoordSystem.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    if system == CoordSystem.WGS84:
        return lat, lon
    raise ValueError(f"unknown coordinate system {system!r}")


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """A WGS-84 point in `system`."""
    if system == CoordSystem.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    if system == CoordSystem.BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    if system == CoordSystem.WGS84:
        return lat, lon
    raise ValueError(f"unknown coordinate system {system!r}")
