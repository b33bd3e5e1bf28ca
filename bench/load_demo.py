"""Benchmark: load the demo city with N tickets and their trajectories into a fresh PostgreSQL
database, and print how long it took and what was written.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load_demo.py \
        [--tickets 1000000] [--database portal_bench] [--workers 2]

The database named by --database is dropped and recreated on the server of DATABASE_URL. The
load average is printed before and after: on a shared machine the figures are upper bounds.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off (settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="loader processes (one per core)"
    )
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
        return 2
    parts = urlsplit(server)
    bench_url = urlunsplit(parts._replace(path=f"/{args.database}"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    env = {**os.environ, "DATABASE_URL": bench_url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.monotonic()
    subprocess.run(
        [
            *manage,
            "load_demo_city",
            "--tickets",
            str(args.tickets),
            "--seed",
            str(args.seed),
            "--quiet-logins",
            "--no-classifier",  # trained and timed by bench/suggestions.py
            "--no-statistics",  # rebuilt and timed by bench/analytics_pages.py
            "--workers",
            str(args.workers),
            "-v0",
        ],
        env=env,
        check=True,
    )
    elapsed = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    loader_cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(f"loader processes' CPU (Python; PostgreSQL's not included): {loader_cpu:.1f} s")
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with psycopg.connect(bench_url) as conn:
        sizes = conn.execute(
            "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) "
            "FROM pg_stat_user_tables WHERE relname LIKE 'tickets_%%' OR relname = 'portal_citizen'"
            " ORDER BY pg_total_relation_size(relid) DESC"
        ).fetchall()
        statuses = conn.execute(
            "SELECT status, count(*) FROM tickets_ticket GROUP BY status ORDER BY 2 DESC"
        ).fetchall()
    print(f"\nload_demo_city --tickets {args.tickets:,}: {elapsed:.1f} s wall, including the city")
    print(f"  {args.tickets / elapsed:,.0f} tickets/s overall")
    for name, rows, size in sizes:
        print(f"  {name:<28} {rows:>12,} rows  {size:>10}")
    print("  status mix: " + ", ".join(f"{s} {n:,}" for s, n in statuses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
