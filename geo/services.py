"""The only writers of boundaries. Every change gives the boundaries a new version stamp (in
the same transaction) and forgets this process's index; other processes rebuild theirs when
they see the new stamp (`geo.index`)."""

import contextvars
import uuid

from django.db import transaction

from . import geometry as geo
from . import index
from .models import Boundary, BoundaryStamp

# Set while a service writes many rows: the per-row signal (geo.signals) then stays quiet and
# the service stamps once.
in_bulk = contextvars.ContextVar("geo_boundaries_in_bulk", default=False)


def boundaries_changed() -> None:
    """A new stamp, and this process's index forgotten now and again after commit (a lookup
    between the two may have rebuilt it from the rows not yet committed)."""
    BoundaryStamp.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    index.forget()
    transaction.on_commit(index.forget)


def boundary_row(region, outline, *, source: str = "") -> Boundary:
    """An unsaved Boundary of `region` for a checked shapely outline (WGS-84)."""
    west, south, east, north = outline.bounds
    lat, lon = geo.centre(outline)
    return Boundary(
        region=region,
        geometry=geo.to_geojson(outline),
        min_lon=west,
        min_lat=south,
        max_lon=east,
        max_lat=north,
        centre_lat=round(lat, geo.DIGITS),
        centre_lon=round(lon, geo.DIGITS),
        area_m2=geo.area_m2(outline),
        source=source[:200],
    )


@transaction.atomic
def boundaries_replace(rows: list[Boundary]) -> int:
    """Store these boundaries, replacing the regions' earlier ones; all or nothing."""
    marker = in_bulk.set(True)
    try:
        ids = [row.region.pk for row in rows]
        for start in range(0, len(ids), 500):  # SQLite's limit on a statement's parameters
            Boundary.objects.filter(region__in=ids[start : start + 500]).delete()
        Boundary.objects.bulk_create(rows, batch_size=500)
    finally:
        in_bulk.reset(marker)
    boundaries_changed()
    return len(rows)


@transaction.atomic
def boundaries_delete(regions) -> int:
    marker = in_bulk.set(True)
    try:
        deleted, _detail = Boundary.objects.filter(region__in=regions).delete()
    finally:
        in_bulk.reset(marker)
    boundaries_changed()
    return deleted
