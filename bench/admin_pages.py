"""Benchmark: the staff admin on a big database (issue 4; targets: changelist < 300 ms, ticket
page < 200 ms, both without counting the table; the CSV export streams 500k rows in bounded
memory).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python bench/admin_pages.py [--runs 20] [--export-rows 500000] \
        [--every-filter] [--explain 100]

`--every-filter` adds the changelist in every work queue (as the role that has it) and with every
filter's values (issue 18: "every queue and filter"); `--explain MS` prints EXPLAIN (ANALYZE,
BUFFERS) of the slowest query of each page whose median is over MS milliseconds.

The database must hold the demo city with its tickets (bench/load_demo.py makes one) and be
migrated. Server time is measured around Django's full request handling (middleware, view,
template rendering) with the test client: no network, no browser.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# Production settings (DEBUG off, hashed static files): collect them somewhere temporary.
os.environ.setdefault("DJANGO_STATIC_ROOT", "/tmp/portal-bench-static")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tickets.models import Ticket  # noqa: E402


def explain_slowest(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(f"      {line}" for (line,) in cursor.fetchall())
    print(f"    slowest query ({float(slowest['time']) * 1000:.0f} ms):\n      {slowest['sql']}")
    print(plan)


def every_filter(users) -> list:
    """The changelist in every work queue and with each filter's values."""
    from departments.models import Department
    from tickets.models import Category, UrgencyClass
    from tickets.queues import QUEUES
    from tickets.workflow import Status

    base = "/admin/tickets/ticket/"
    scenarios = []
    role_user = {
        "operator": users["operator"],
        "dispatcher": users["dispatcher"],
        "callback_operator": users["callback"],
        "supervisor": users["supervisor"],
        "handler": users["hpj-handler"],
        "unit_head": users["hpj-head"],
        "analyst": users["analyst"],
    }
    for queue in QUEUES:
        role = sorted(queue.roles)[0]
        user = role_user.get(role, users["dispatcher"])
        scenarios.append((user, f"queue {queue.key} ({role})", f"{base}?{queue.url_query()}"))
    dispatcher = users["dispatcher"]
    for value in ["open", *Status.values, "all"]:
        scenarios.append((dispatcher, f"status={value}", f"{base}?status={value}"))
    for value in ("overdue", "today", "24h"):
        scenarios.append((dispatcher, f"deadline={value}", f"{base}?deadline={value}"))
    for urgency in UrgencyClass.objects.all():
        scenarios.append(
            (dispatcher, f"urgency {urgency.code}", f"{base}?urgency__id__exact={urgency.pk}")
        )
    for level in (1, 3):
        category = Category.objects.filter(level=level).order_by("pk").first()
        scenarios.append((dispatcher, f"category level {level}", f"{base}?category={category.pk}"))
    places = (
        Ticket.objects.filter(community__isnull=False)
        .values_list("district_id", "street_id")
        .first()
    )
    for level, region in zip(("district", "street"), places, strict=True):
        scenarios.append((dispatcher, f"region: a {level}", f"{base}?region={region}"))
    for kind in (Department.Kind.STREET_OFFICE, Department.Kind.MUNICIPAL_DEPARTMENT):
        unit = Department.objects.filter(kind=kind).order_by("pk").first()
        scenarios.append((dispatcher, f"unit {kind}", f"{base}?unit={unit.pk}"))
    for channel in ("phone", "web", "open311"):
        scenarios.append((dispatcher, f"channel {channel}", f"{base}?channel__exact={channel}"))
    for param in ("supervised=1", "returned=1", "reopen=requested"):
        scenarios.append((dispatcher, param, f"{base}?{param}"))
    scenarios += [
        (
            dispatcher,
            "submitted in the last 7 days",
            f"{base}?status=all&submitted_at__range__gte=2026-11-21",
        ),
        (dispatcher, "status=all, sorted by number", f"{base}?status=all&o=0"),
        (dispatcher, "status=all, sorted by deadline", f"{base}?status=all&o=7"),
        (dispatcher, "search a mobile number", f"{base}?q=13800138000"),
    ]
    return scenarios


def timed(client, url, runs):
    client.get(url)  # warm caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries.captured_queries]
    # A COUNT over the ticket table without a WHERE or a LIMIT would read it all.
    full_count = any(
        "COUNT(" in sql.upper()
        and '"tickets_ticket"' in sql
        and "LIMIT" not in sql.upper()
        and "WHERE" not in sql.upper()
        for sql in counts
    )
    return (
        statistics.median(times),
        sorted(times)[int(len(times) * 0.9) - 1],
        len(counts),
        full_count,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-rows", type=int, default=500_000)
    parser.add_argument("--every-filter", action="store_true")
    parser.add_argument("--explain", type=float, default=0, metavar="MS")
    args = parser.parse_args()
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    call_command("collectstatic", interactive=False, verbosity=0)
    User = get_user_model()
    total = Ticket.objects.count()
    print(f"{total:,} tickets in {connection.settings_dict['NAME']}")
    dispatcher = User.objects.get(username="dispatcher")
    handler = User.objects.get(username="hpj-handler")
    busy = (
        Ticket.objects.filter(lead_unit__code="st-110105007")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)
        .first()
    )
    scenarios = [
        (dispatcher, "changelist, default filters (open, newest first)", "/admin/tickets/ticket/"),
        (dispatcher, "changelist, overdue filter", "/admin/tickets/ticket/?deadline=overdue"),
        (dispatcher, "changelist, all statuses", "/admin/tickets/ticket/?status=all"),
        (
            dispatcher,
            "changelist, search a description",
            "/admin/tickets/ticket/?q=%E6%A5%BC%E7%89%8C%E5%8F%B7",
        ),
        (handler, "changelist, street office handler (by deadline)", "/admin/tickets/ticket/"),
        (handler, "changelist, handler, overdue", "/admin/tickets/ticket/?deadline=overdue"),
        (dispatcher, "ticket page", f"/admin/tickets/ticket/{busy}/change/"),
        (handler, "ticket page, handler", f"/admin/tickets/ticket/{busy}/change/"),
        (dispatcher, "admin index with queue counts", "/admin/"),
        (dispatcher, "dashboard", "/admin/dashboard/"),
    ]
    if args.every_filter:
        names = ["operator", "callback", "supervisor", "hpj-head", "analyst"]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        users.update({"dispatcher": dispatcher, "hpj-handler": handler})
        scenarios += every_filter(users)
    client = Client()
    print(f"\n{'page':<52} {'median':>9} {'p90':>9} {'queries':>8}  full COUNT(*)")
    for user, label, url in scenarios:
        client.force_login(user)
        median, p90, queries, full_count = timed(client, url, args.runs)
        counted = "yes" if full_count else "no"
        print(f"{label:<52} {median:>7.1f}ms {p90:>7.1f}ms {queries:>8}  {counted}", flush=True)
        if args.explain and median > args.explain:
            explain_slowest(client, url)

    client.force_login(dispatcher)
    reset_queries()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/admin/tickets/ticket/export.csv?status=all")
    rows = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\n")
        if rows > args.export_rows:
            break
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    print(
        f"\nCSV export: {rows:,} rows, {size / 1e6:.0f} MB in {elapsed:.1f} s "
        f"({rows / elapsed:,.0f} rows/s), peak Python memory {peak / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
