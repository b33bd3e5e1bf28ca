"""Benchmark: requests/s of a database-bound read with and without connection pooling.

One gunicorn (2 sync workers, production settings) serves `GET /api/v1/tickets/?page_size=20`
(token authentication, the caller's scope, one page of the newest tickets) to `wrk` (Debian's
package), once per way of reaching PostgreSQL, in interleaved rounds:
  direct-new      a new connection per request (CONN_MAX_AGE=0)
  direct-kept     persistent connections (CONN_MAX_AGE=60, the default)
  psycopg-pool    Django's psycopg pool in each worker (DATABASE_POOL)
  pgbouncer-new   PgBouncer in transaction mode, a new client connection per request
  pgbouncer-kept  PgBouncer in transaction mode, persistent client connections

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_scale_1m .venv/bin/python bench/pooling.py \
        [--seconds 10] [--rounds 2] [--connections 8]

DATABASE_URL names a loaded database (bench/load_demo.py). PgBouncer runs on port 5444 as the
`postgres` OS user when started as root; gunicorn on 8184.
"""

import argparse
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PORT, BOUNCER_PORT = 8184, 5444
PATH = "/api/v1/tickets/?page_size=20"


def wait_for(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on {port} exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing on port {port}")


def start_pgbouncer(server: str, folder: Path) -> subprocess.Popen:
    parts = urlsplit(server)
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={parts.hostname} port={parts.port or 5432}\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {BOUNCER_PORT}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\npool_mode = transaction\n"
        "default_pool_size = 4\nmax_client_conn = 200\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in [folder, *folder.iterdir()]:
            os.chown(path, user.pw_uid, user.pw_gid)
        command.append("-u")
        command.append("postgres")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_for(BOUNCER_PORT, process)
    return process


def serve(env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(PORT, process)
    return process


def run_wrk(seconds: int, connections: int, token: str) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"Authorization: Token {token}", f"http://127.0.0.1:{PORT}{PATH}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p50[2]]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, float(p50[1]) * scale, int(errors[1]) if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        print("Set DATABASE_URL to a loaded PostgreSQL database.")
        return 2
    if not shutil.which("wrk"):
        print("wrk is needed (Debian: apt-get install wrk).")
        return 2
    var = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50),
        "PORTAL_VAR_DIR": str(var),
        "DJANGO_STATIC_ROOT": str(var / "static"),
        "API_STAFF_RATE": "1000000/min",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    # With DEBUG off the portal refuses to start without its collected static files (portal.E001).
    subprocess.run(
        [*manage, "collectstatic", "--no-input", "--verbosity", "0"],
        env={**base_env, "DATABASE_URL": server}, check=True,
    )  # fmt: skip
    token = subprocess.run(
        [*manage, "create_staff_token", "dispatcher", "--name", "bench"],
        env={**base_env, "DATABASE_URL": server}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    parts = urlsplit(server)
    bouncer_url = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{BOUNCER_PORT}"))
    setups = {
        "direct-new": {"DATABASE_URL": server, "DATABASE_CONN_MAX_AGE": "0"},
        "direct-kept": {"DATABASE_URL": server, "DATABASE_CONN_MAX_AGE": "60"},
        "psycopg-pool": {
            "DATABASE_URL": server,
            "DATABASE_POOL": '{"min_size": 2, "max_size": 4}',
        },
        "pgbouncer-new": {"DATABASE_URL": bouncer_url, "DATABASE_CONN_MAX_AGE": "0"},
        "pgbouncer-kept": {"DATABASE_URL": bouncer_url, "DATABASE_CONN_MAX_AGE": "60"},
    }
    bouncer_dir = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
    bouncer = start_pgbouncer(server, bouncer_dir)
    results = {name: [] for name in setups}
    print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    try:
        for _round in range(args.rounds):
            for name, extra in setups.items():
                gunicorn = serve({**base_env, **extra})
                try:
                    run_wrk(2, args.connections, token)  # warm-up
                    results[name].append(run_wrk(args.seconds, args.connections, token))
                finally:
                    gunicorn.terminate()
                    gunicorn.wait(20)
    finally:
        bouncer.terminate()
        bouncer.wait(10)
        shutil.rmtree(bouncer_dir, ignore_errors=True)
        shutil.rmtree(var, ignore_errors=True)
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"\nGET {PATH}, gunicorn 2 workers, wrk {args.connections} connections, ")
    print(f"{args.rounds} rounds x {args.seconds} s (median of rounds):\n")
    print("| setup | requests/s | p50 | non-2xx |")
    print("| --- | --- | --- | --- |")
    for name, runs in results.items():
        runs.sort()
        rate, p50, _errors = runs[len(runs) // 2]
        print(f"| {name} | {rate:,.0f} | {p50:.1f} ms | {sum(r[2] for r in runs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
