"""Benchmark: creating a ticket through `POST /api/v1/tickets/` against the floor of this stack.

One gunicorn (2 sync workers) on PostgreSQL serves three endpoints, measured in the same run by
`wrk` (Debian's package; a C load generator in a second process), in interleaved rounds (a, b,
c, a, b, c, ...) so that a drift in the machine's speed touches all three alike:
  (a) `/bench/trivial/`  the cheapest Django JSON view;
  (b) `/bench/insert/`   parse the body, insert one ticket-sized row and one event row in a
                         transaction (the floor cost of a durable create);
  (c) `/api/v1/tickets/` the full path: key authentication, rate limit, validation, numbering,
                         the ticket service (event, citizen, deadlines), the client's
                         submission record, `ticket_changed` after commit, the detail response;
  (d) with `--idempotency-key`: the same POST with a fresh `Idempotency-Key` on every request
                         (the key's lookup, and its record and stored answer written in the
                         ticket's transaction); its target is at least 90% of (c)'s rate.
The comparison views are mounted only by `bench.api.settings`, never by the portal's settings.
The server runs as in production: the default cache (API keys, rate counters) and the Celery
broker on Redis (`--redis`, databases 14 and 15, emptied before and after; no worker consumes the
delivery tasks during the run; `--redis-dbs` picks other numbers on a shared Redis). `--redis ''`
keeps the embedded defaults (memory, filesystem).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api_create.py \
        [--database portal_api_bench] [--seconds 20] [--rounds 4] [--connections 4] \
        [--redis redis://127.0.0.1:6379] [--redis-dbs 14,15] [--port 8765] \\
        [--idempotency-key] [--record]

The database named by --database is created if missing (the demo city is loaded, no tickets).
`--record` appends the tables to bench/RESULTS.md. Besides throughput and latency, each endpoint
gets the CPU time its requests cost per process group (the gunicorn workers, PostgreSQL and Redis
from /proc, wrk from the children's rusage), divided by the requests served: on a machine where
they share the cores, that is what the throughputs compare.
"""

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG is off (settings)
PORT = 8765  # --port
BODY = {
    "kind": "help",
    "category": "housing.property.plate",
    "region": "110105007001",
    "description": "老旧小区楼牌号缺失，外卖骑手找不到12号楼，耽误送单。",
    "address": "胜古南里12号楼",
    "contact_name": "李雪贞",
    "contact_phone": "PHONE",
}
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token %(key)s"
local template = [[%(body)s]]
math.randomseed(%(seed)d)
local prefix = "%(prefix)s"
local count = 0
request = function()
  -- residents from a pool of 1,000 mobile numbers: most are known after the first seconds
  local phone = string.format("138%%08d", math.random(0, 999))
  if prefix ~= "" then
    count = count + 1
    wrk.headers["Idempotency-Key"] = prefix .. "-" .. count
  end
  return wrk.format(nil, nil, nil, (template:gsub("PHONE", phone)))
end
"""


def prepare_database(server: str, name: str) -> str:
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "load_demo_city", "--if-empty", "--quiet-logins"], env=env, check=True)
    return url


def client_key(url: str) -> str:
    code = (
        "from clients.models import ApiClient;"
        "from clients.services import api_client_create, api_client_rotate_key;"
        "c = ApiClient.objects.filter(name='benchmark').first();"
        "key = api_client_rotate_key(client=c) if c else "
        "api_client_create(name='benchmark', rate_limit='1000000/min')[1];"
        "print(key)"
    )
    env = {**os.environ, "DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


REDIS_DBS = (14, 15)  # the cache's and the broker's database numbers (--redis-dbs)


def redis_env(redis: str) -> dict:
    if not redis:
        return {}
    base = redis.rstrip("/")
    cache, broker = REDIS_DBS
    return {"REDIS_CACHE_URL": f"{base}/{cache}", "CELERY_BROKER_URL": f"{base}/{broker}"}


def flush_redis(redis: str) -> None:
    if redis:
        import redis as redis_client

        for db in set(REDIS_DBS):
            redis_client.Redis.from_url(f"{redis.rstrip('/')}/{db}").flushdb()


def start_server(url: str, redis: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **redis_env(redis),
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.api.settings",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "--chdir", str(ROOT)],
        env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def parse_wrk(output: str) -> dict:
    def latency(pct):
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server_pid: int) -> dict:
    """{pid: (group, CPU seconds used so far)} for the gunicorn master and workers and for
    PostgreSQL's and Redis's processes, read from /proc (empty where there is none)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        ppid, used = int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        if int(entry.name) == server_pid or ppid == server_pid:
            found[entry.name] = ("gunicorn", used)
        elif comm.startswith(("postgres", "postmaster")):
            found[entry.name] = ("postgres", used)
        elif comm.startswith("redis-server"):
            found[entry.name] = ("redis", used)
    return found


def cpu_used(before: dict, after: dict) -> dict:
    """CPU seconds per group between two `cpu_seconds` readings (a process that exited meanwhile
    is left out; one that started counts in full)."""
    totals = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
    for pid, (group, used) in after.items():
        totals[group] += used - before.get(pid, (group, 0.0))[1]
    return totals


def run_wrk(
    path: str, seconds: int, connections: int, script: str | None, server_pid: int = 0
) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    before, children = cpu_seconds(server_pid), resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"], check=True, capture_output=True, text=True
    ).stdout
    after, children_after = cpu_seconds(server_pid), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = parse_wrk(output)
    result["cpu"] = cpu_used(before, after)
    result["cpu"]["wrk"] = (children_after.ru_utime + children_after.ru_stime) - (
        children.ru_utime + children.ru_stime
    )
    return result


def combine(runs: list[dict]) -> dict:
    """Rounds of one endpoint: throughput over all of them, the median round's latencies."""
    middle = sorted(runs, key=lambda r: r["p50"])[len(runs) // 2]
    return {
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50": middle["p50"],
        "p99": sorted(r["p99"] for r in runs)[len(runs) // 2],
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "rounds": [round(r["rps"]) for r in runs],
        "cpu": {group: sum(r["cpu"][group] for r in runs) for group in runs[0]["cpu"]},
    }


def main() -> int:
    global PORT, REDIS_DBS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_api_bench")
    parser.add_argument("--seconds", type=int, default=20, help="per endpoint, over all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=PORT, help="for gunicorn (a free local port)")
    parser.add_argument(
        "--redis-dbs",
        default="14,15",
        help="the cache's and the broker's Redis databases (emptied before and after)",
    )
    parser.add_argument(
        "--idempotency-key",
        action="store_true",
        help="also measure (d): the create with a fresh Idempotency-Key per request",
    )
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
        return 2
    if not shutil.which("wrk"):
        print("This benchmark needs wrk: apt-get install -y wrk")
        return 2
    PORT = args.port
    REDIS_DBS = tuple(int(n) for n in args.redis_dbs.split(","))
    url = prepare_database(server_url, args.database)
    key = client_key(url)
    with tempfile.TemporaryDirectory() as tmp:

        def script(name: str, keyed: bool = False) -> str:
            """A Lua script; a keyed one gets a prefix of its own, so no key repeats."""
            prefix = uuid.uuid4().hex if keyed else ""
            path = Path(tmp) / f"{name}-{prefix or 'plain'}.lua"
            body = json.dumps(BODY, ensure_ascii=False)
            path.write_text(LUA % {"key": key, "body": body, "seed": 1, "prefix": prefix})
            return str(path)

        flush_redis(args.redis)
        server = start_server(url, args.redis)
        try:
            plan = [
                ("(a) trivial JSON view", "/bench/trivial/", lambda: None),
                ("(b) minimal durable insert", "/bench/insert/", lambda: script("insert")),
                ("(c) POST /api/v1/tickets/", "/api/v1/tickets/", lambda: script("full")),
            ]
            if args.idempotency_key:
                plan.append(
                    (
                        "(d) POST /api/v1/tickets/ with Idempotency-Key",
                        "/api/v1/tickets/",
                        lambda: script("keyed", keyed=True),
                    )
                )
            for _label, path, make in plan:
                run_wrk(path, 3, args.connections, make())  # warm up
            chunk = max(args.seconds // args.rounds, 1)
            rounds = {label: [] for label, _path, _make in plan}
            for _ in range(args.rounds):
                for label, path, make in plan:
                    rounds[label].append(run_wrk(path, chunk, args.connections, make(), server.pid))
            results = {label: combine(runs) for label, runs in rounds.items()}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            flush_redis(args.redis)
    table = report(results, args)
    print(table)
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a") as out:
            out.write(table)
    return 0 if all(r["errors"] == 0 for r in results.values()) else 1


def report(results: dict, args) -> str:
    a, b, c, *keyed = results.values()
    lines = [
        "",
        f"### Run of {datetime.date.today():%Y-%m-%d}: wrk, 1 thread, {args.connections} "
        f"connections, {args.seconds} s per endpoint in {args.rounds} interleaved rounds after "
        f"a 3 s warm-up; cache and broker: {args.redis or 'embedded defaults'}",
        "",
        "| endpoint | requests/s | per round | p50 | p99 | requests | non-2xx |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, r in results.items():
        per_round = " / ".join(f"{x:,}" for x in r["rounds"])
        lines.append(
            f"| {label} | {r['rps']:,.0f} | {per_round} | {r['p50']:.2f} ms | {r['p99']:.2f} ms "
            f"| {r['requests']:,} | {r['errors']} |"
        )
    lines += [
        "",
        f"Ratios: (c)/(b) = {c['rps'] / b['rps']:.0%} (target ≥ 50%); "
        f"(c)/(a) = {c['rps'] / a['rps']:.0%}; (b)/(a) = {b['rps'] / a['rps']:.0%}."
        + (
            f" With a key: (d)/(c) = {keyed[0]['rps'] / c['rps']:.0%} (target ≥ 90%)."
            if keyed
            else ""
        ),
        "",
        "CPU time per request (ms), by process group:",
        "",
        "| endpoint | gunicorn workers | PostgreSQL | Redis | wrk | together |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, r in results.items():
        per = {group: used / r["requests"] * 1000 for group, used in r["cpu"].items()}
        lines.append(
            f"| {label} | {per['gunicorn']:.2f} | {per['postgres']:.2f} | {per['redis']:.2f} "
            f"| {per['wrk']:.2f} | {sum(per.values()):.2f} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
