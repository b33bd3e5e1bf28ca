"""Benchmark: how long each reminder sweep takes on a large database, and which indexes it uses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/sweeps.py \
        [--runs 5] [--explain] [--fresh]

Load the data first (`python manage.py migrate && python manage.py load_demo_city --tickets
1000000`). Each sweep runs once to catch up (it may create notifications: "first run"), then
`--runs` times more as beat runs it every minute (recent mode) with nothing new due: that is the
steady state, the figure the target (< 1 s per sweep) is about; then `--runs` times in full mode
(beat's hourly sweep). `--fresh` first empties the outbox, so the first run shows a
full catch-up. `--explain` prints the plan (EXPLAIN ANALYZE) of each sweep's main query.
`--all-open` is a stress case, run inside a transaction that is rolled back: every closed ticket
is made `in_progress` again with a reply deadline spread over the 30 days before and after now
(about half of the million overdue); the sweeps first catch up (batches of 50,000), then are
timed. Deliveries are enqueued to an in-memory broker: nothing is sent.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="empty the outbox first")
    parser.add_argument("--all-open", action="store_true", help="stress case, rolled back")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from tickets.models import Notification

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to the PostgreSQL database holding the demo data.")
        return 2
    if args.fresh:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Notification._meta.db_table}")
    if args.all_open:
        from django.db import transaction

        with transaction.atomic():
            reopen_everything(connection)
            result = measure(args)
            transaction.set_rollback(True)
        return result
    return measure(args)


def reopen_everything(connection) -> None:
    from django.conf import settings

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM departments_department WHERE kind = 'street_office' LIMIT 1")
        (unit,) = cursor.fetchone()
        cursor.execute(
            """
            UPDATE tickets_ticket t
               SET status = 'in_progress', outcome = '', closed_at = NULL, replied_at = NULL,
                   callback_due_at = NULL, lead_unit_id = COALESCE(t.lead_unit_id, %s),
                   dispatched_at = COALESCE(t.dispatched_at, t.submitted_at),
                   reply_due_at = v.due, due_at = v.due
              FROM (SELECT id, now() + (random() * 60 - 30) * interval '1 day' AS due
                      FROM tickets_ticket WHERE status = 'closed') v
             WHERE t.id = v.id
            """,
            [unit],
        )
        reopened = cursor.rowcount
        cursor.execute("ANALYZE tickets_ticket")
    print(
        f"--all-open: {reopened:,} closed tickets made in_progress "
        f"in {time.perf_counter() - started:.1f} s (rolled back at the end)"
    )
    from tickets import sweeps

    settings.PORTAL_SWEEP_BATCH = 50_000
    started = time.perf_counter()
    for name in sweeps.NAMES:
        while sweeps.run(name):
            pass
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_notification")
    settings.PORTAL_SWEEP_BATCH = 5_000
    print(f"catch-up of every sweep: {time.perf_counter() - started:.1f} s")


def measure(args) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import sweeps
    from tickets.models import Notification, Ticket
    from tickets.workflow import Status

    def timed(name, recent):
        times, created = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                created += sweeps.run(name, recent=recent)  # what fell due meanwhile
                times.append(time.perf_counter() - started)
        return times, created, queries

    tickets = Ticket.objects.count()
    open_tickets = Ticket.objects.exclude(status=Status.CLOSED).count()
    print(f"{tickets:,} tickets, {open_tickets:,} open; outbox {Notification.objects.count():,}")
    print(
        f"{'sweep':<18}{'first (full)':>14}{'created':>9}   then each minute (recent), "
        f"median / max ms, new   |  hourly (full), median / max ms"
    )
    worst = 0.0
    for name in sweeps.NAMES:
        started = time.perf_counter()
        created = sweeps.run(name)
        first = time.perf_counter() - started
        recent, new, queries = timed(name, True)
        full, _new, _queries = timed(name, False)
        worst = max(worst, *recent)
        print(
            f"{name:<18}{first * 1000:>12.1f}ms{created:>9}   "
            f"{statistics.median(recent) * 1000:8.1f} / {max(recent) * 1000:7.1f} {new:5}"
            f"  ({len(queries)} queries)  |  "
            f"{statistics.median(full) * 1000:8.1f} / {max(full) * 1000:7.1f}"
        )
        if args.explain:
            selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {max(selects, key=len)}")
                for (line,) in cursor.fetchall():
                    print(f"    {line}")
    print(f"slowest sweep of the minute (recent): {worst * 1000:.1f} ms (target < 1000 ms)")
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
