"""A point finds its place: the finest region whose boundary contains it, in each process.

`place_at(lat, lon)` answers from an STRtree (shapely/GEOS) over every stored boundary: the tree
narrows 10,000 outlines to the few whose boxes hold the point, and the exact test runs on those
(prepared geometries) — microseconds, the same on SQLite and PostgreSQL, with no spatial
extension in the database (bench/point_lookup.py, bench/RESULTS.md).

Rules: of the boundaries containing the point (edges and corners count as inside), the finest
level wins — the community, else the street (a gap between communities), else the district; two
of the same level (a point exactly on their shared edge) go to the lower code. A point outside
every boundary has no place (None).

Freshness: the index remembers the `BoundaryStamp` token it was built from. It compares the
token with the database at most every `PORTAL_BOUNDARY_RECHECK_SECONDS` (default 5; each process
on its own) and rebuilds when it changed; a change made in this process forgets the index at
once (`forget`, called by `geo.services`). So every process follows an import within seconds.
"""

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings

from departments.models import Region

_lock = threading.Lock()
_index: "PlaceIndex | None" = None
_checked_at = 0.0


@dataclass
class PlaceIndex:
    token: str
    geometries: np.ndarray  # of shapely geometries, prepared
    region_ids: np.ndarray
    codes: list[str]
    levels: np.ndarray
    tree: shapely.STRtree | None = None
    position: dict[int, int] = field(default_factory=dict)  # region id → row

    def finest_at(self, lat: float, lon: float) -> int | None:
        """The row of the finest boundary containing the point, or None."""
        if self.tree is None:
            return None
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return int(min(hits, key=lambda i: (-self.levels[i], self.codes[i])))

    def __len__(self):
        return len(self.codes)


def build(token: str, rows) -> PlaceIndex:
    """An index of `rows`: (region id, code, level, GeoJSON text)."""
    rows = list(rows)
    geometries = shapely.from_geojson([r[3] for r in rows]) if rows else np.array([])
    if len(geometries):
        shapely.prepare(geometries)
    index = PlaceIndex(
        token=token,
        geometries=geometries,
        region_ids=np.array([r[0] for r in rows], dtype=np.int64),
        codes=[r[1] for r in rows],
        levels=np.array([r[2] for r in rows], dtype=np.int16),
        tree=shapely.STRtree(geometries) if rows else None,
    )
    index.position = {int(pk): i for i, pk in enumerate(index.region_ids)}
    return index


def _stored_token() -> str:
    from .models import BoundaryStamp

    return BoundaryStamp.objects.values_list("token", flat=True).first() or ""


def _load(token: str) -> PlaceIndex:
    from .models import Boundary

    rows = Boundary.objects.values_list(
        "region_id", "region__code", "region__level", "geometry"
    ).order_by("region__code")
    return build(token, rows.iterator(chunk_size=2000))


def current() -> PlaceIndex:
    """This process's index, rebuilt if the boundaries changed since it was built."""
    global _index, _checked_at
    index, now = _index, time.monotonic()
    if index is not None and now - _checked_at < settings.PORTAL_BOUNDARY_RECHECK_SECONDS:
        return index
    with _lock:
        token = _stored_token()
        if _index is None or _index.token != token:
            _index = _load(token)
        _checked_at = time.monotonic()
        return _index


def forget() -> None:
    """Drop this process's index: the next lookup rebuilds it."""
    global _index
    with _lock:
        _index = None


def place_at(lat: float, lon: float) -> Region | None:
    """The finest region (with its ancestors loaded) whose boundary holds the WGS-84 point."""
    from tickets import lookups

    index = current()
    row = index.finest_at(float(lat), float(lon))
    return lookups.region(index.codes[row]) if row is not None else None


def has_boundaries() -> bool:
    return len(current()) > 0


def outline(region_id: int):
    """The stored outline of a region (shapely), or None."""
    index = current()
    row = index.position.get(region_id)
    return index.geometries[row] if row is not None else None


def within(west: float, south: float, east: float, north: float, level: int) -> list[int]:
    """Region ids of `level` whose outlines meet the box (for drawing the visible part)."""
    index = current()
    if index.tree is None:
        return []
    hits = index.tree.query(shapely.box(west, south, east, north), predicate="intersects")
    return [int(index.region_ids[i]) for i in hits if index.levels[i] == level]
