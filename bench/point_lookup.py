"""Benchmark: a point finds its place among 10,000 community outlines (target < 1 ms), on
SQLite and PostgreSQL — the in-process STRtree index (`geo.index.place_at`) against the floor
of any lookup done in the database (one round trip) and a bounding-box query on the stored
boxes (what a portable SQL lookup would start with before testing the outlines).

    .venv/bin/python bench/point_lookup.py                      # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maps_bench \
        .venv/bin/python bench/point_lookup.py

The database is prepared on the first run (migrate; a city, 100 streets and `--communities`
communities tessellating a 40 km square around Beijing's centre: Voronoi cells of jittered
points, so outlines have 5–9 corners like real ones, plus the streets' outlines). Points are
uniform over the square and 5 % outside it. Each figure is per point after a warm-up. The machine
is shared with other helpers: expect noise, compare methods within a run.
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
if not os.environ.get("DATABASE_URL"):
    os.environ["PORTAL_VAR_DIR"] = os.path.join(tempfile.gettempdir(), "point-lookup-bench")

WEST, SOUTH, SIZE = 116.20, 39.75, 0.40  # degrees: about 34 km × 44 km


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def prepare(communities: int) -> None:
    import shapely
    from django.core.management import call_command

    from departments.models import Region
    from geo import services
    from geo.models import Boundary

    call_command("migrate", verbosity=0)
    if Boundary.objects.filter(region__level=Region.Level.COMMUNITY).count() >= communities:
        return
    print(f"preparing {communities:,} community outlines …", file=sys.stderr)
    Boundary.objects.all().delete()
    Region.objects.filter(code__startswith="9").delete()
    city = Region.objects.create(code="990000", name="基准市", level=Region.Level.CITY)
    district = Region.objects.create(
        code="990001", name="基准区", level=Region.Level.DISTRICT, parent=city
    )
    rng = random.Random(17)
    side = 10
    streets, street_shapes = [], []
    step = SIZE / side
    for i in range(side * side):
        x, y = WEST + (i % side) * step, SOUTH + (i // side) * step
        streets.append(
            Region(code=f"990001{i:03d}", name=f"基准街道{i}", level=Region.Level.STREET,
                   parent=district)
        )  # fmt: skip
        street_shapes.append(shapely.box(x, y, x + step, y + step))
    Region.objects.bulk_create(streets)
    streets = list(Region.objects.filter(level=Region.Level.STREET, parent=district))
    rows, per_street = [], communities // len(streets)
    community_regions = []
    for street, outline in zip(streets, street_shapes, strict=True):
        west, south, east, north = outline.bounds
        seeds = shapely.MultiPoint(
            [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(per_street)]
        )
        cells = shapely.voronoi_polygons(seeds, extend_to=outline.buffer(0.01), ordered=True)
        for n, cell in enumerate(cells.geoms):
            region = Region(code=f"{street.code}{n:03d}", name=f"基准社区{street.code[-3:]}-{n}",
                            level=Region.Level.COMMUNITY, parent=street)  # fmt: skip
            community_regions.append((region, cell.intersection(outline)))
    Region.objects.bulk_create([r for r, _shape in community_regions], batch_size=2000)
    by_code = {r.code: r for r in Region.objects.filter(level=Region.Level.COMMUNITY)}
    rows = [services.boundary_row(by_code[r.code], shape) for r, shape in community_regions]
    rows += [
        services.boundary_row(s, shape) for s, shape in zip(streets, street_shapes, strict=True)
    ]
    services.boundaries_replace(rows)


def timed(function, points, *, runs=1) -> list[float]:
    """Microseconds per call for each point."""
    times = []
    for _ in range(runs):
        for lat, lon in points:
            started = time.perf_counter()
            function(lat, lon)
            times.append((time.perf_counter() - started) * 1e6)
    return times


def report(label, times):
    print(
        f"| {label} | {statistics.median(times):,.1f} µs | {percentile(times, 0.95):,.1f} µs "
        f"| {percentile(times, 0.99):,.1f} µs | {statistics.fmean(times):,.1f} µs |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=5_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from geo import index
    from geo.models import Boundary

    prepare(args.communities)
    count = Boundary.objects.count()
    rng = random.Random(5)
    margin = SIZE * 0.025
    points = [
        (rng.uniform(SOUTH - margin, SOUTH + SIZE + margin),
         rng.uniform(WEST - margin, WEST + SIZE + margin))
        for _ in range(args.points)
    ]  # fmt: skip

    index.forget()
    started = time.perf_counter()
    built = index.current()
    build_seconds = time.perf_counter() - started
    found = sum(index.place_at(lat, lon) is not None for lat, lon in points)  # warms the cache
    print(
        f"\n{connection.vendor}: {count:,} outlines ({len(built):,} in the index, built from the "
        f"database in {build_seconds:.2f} s); {len(points):,} points, {found:,} inside.\n"
    )
    print("| method | p50 | p95 | p99 | mean |\n| --- | --- | --- | --- | --- |")
    report("STRtree query + exact test (`PlaceIndex.finest_at`)", timed(built.finest_at, points))
    report(
        "`place_at`: the above + the region from the reference cache (stamp checked every "
        f"{settings.PORTAL_BOUNDARY_RECHECK_SECONDS:g} s)",
        timed(index.place_at, points),
    )
    settings.PORTAL_BOUNDARY_RECHECK_SECONDS = 0
    report(
        "`place_at`, stamp checked on every call (worst case)", timed(index.place_at, points[:1000])
    )

    with connection.cursor() as cursor:

        def round_trip(lat, lon):
            cursor.execute("SELECT 1")
            cursor.fetchone()

        def boxes(lat, lon):
            cursor.execute(
                "SELECT region_id FROM geo_boundary WHERE min_lon <= %s AND max_lon >= %s "
                "AND min_lat <= %s AND max_lat >= %s",
                [lon, lon, lat, lat],
            )
            cursor.fetchall()

        report("database floor: one round trip (`SELECT 1`)", timed(round_trip, points[:1000]))
        report(
            "SQL on the bbox columns only (candidates, no exact test)", timed(boxes, points[:1000])
        )


if __name__ == "__main__":
    main()
