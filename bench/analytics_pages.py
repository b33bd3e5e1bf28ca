"""Benchmark: analytics on a big database (issue 7; targets: every analytics page < 500 ms,
the full rebuild of one month < 60 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/analytics_pages.py [--runs 10] [--skip-full-rebuild | --no-rebuild]

Rebuilds one month (timed), then every day since the first ticket (timed, unless skipped), then
times each staff and public analytics page through Django's full request handling.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ.setdefault("DJANGO_STATIC_ROOT", "/tmp/portal-bench-static")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from analytics import findings, refresh  # noqa: E402
from tickets.models import Ticket  # noqa: E402


def timed(client, url, runs, *, clear=True):
    client.get(url)
    times = []
    for _ in range(runs):
        if clear:
            cache.clear()  # pages and findings are cached; measure the work, not the cache
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-full-rebuild", action="store_true")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="measure the summaries as they are"
    )
    args = parser.parse_args()
    call_command("collectstatic", interactive=False, verbosity=0)
    total = Ticket.objects.count()
    print(f"{total:,} tickets in {connection.settings_dict['NAME']}")
    month = refresh.previous_month(refresh.month_of(timezone.localdate()))
    if not args.no_rebuild:
        started = time.perf_counter()
        call_command("rebuild_stats", month=f"{month:%Y-%m}", verbosity=0)
        elapsed = time.perf_counter() - started
        print(f"rebuild of {month:%Y-%m} (all its days and the month): {elapsed:.1f} s")
    if not (args.skip_full_rebuild or args.no_rebuild):
        started = time.perf_counter()
        call_command("rebuild_stats", all=True, verbosity=0)
        print(f"rebuild of everything: {time.perf_counter() - started:.1f} s")
    analyst = get_user_model().objects.get(username="analyst")
    unit = (
        Ticket.objects.filter(lead_unit__isnull=False).values_list("lead_unit", flat=True).first()
    )
    m = f"{month:%Y-%m}"
    pages = [
        ("rankings, streets", f"/admin/analytics/?month={m}&kind=street_office"),
        ("rankings, utilities", f"/admin/analytics/?month={m}&kind=utility"),
        ("unit trend (12 months)", f"/admin/analytics/units/{unit}/?month={m}"),
        ("intake per day, 30 days", "/admin/analytics/intake/"),
        ("intake per week, a year", "/admin/analytics/intake/?first=2025-12-01&granularity=week"),
        (
            "intake by community × leaf category",
            f"/admin/analytics/intake/?table=places&place=community&level=3&first={m}-01",
        ),
        ("hotspots, 7 days", "/admin/analytics/hotspots/?window=7"),
        ("hotspots, 30 days", "/admin/analytics/hotspots/?window=30"),
        ("repeat demands, 30 days", "/admin/analytics/repeats/"),
        ("monthly topic candidates", "/admin/analytics/topics/"),
        ("public statistics", f"/stats/?month={m}"),
        ("open data, intake CSV", f"/stats/open-data/intake-{m}.csv"),
        ("open data, street rates JSON", f"/stats/open-data/street-rates-{m}.json"),
    ]
    client = Client()
    client.force_login(analyst)
    # What the refresh task adds after each refresh: the findings computed for the cache.
    cache.clear()
    started = time.perf_counter()
    findings.warm_findings()
    print(f"findings computed by the refresh task: {time.perf_counter() - started:.2f} s")
    warm = {url: timed(client, url, args.runs, clear=False)[0] for _label, url in pages}
    print(f"\n{'page':<40} {'median':>9} {'max':>9}   as served after a refresh (median)")
    for label, url in pages:
        median, worst = timed(client, url, args.runs)
        print(f"{label:<40} {median:>7.1f}ms {worst:>7.1f}ms   {warm[url]:>7.1f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
