"""Real processes for the scaling tests: a PostgreSQL primary with a streaming replica, PgBouncer,
gunicorn. Each starts on a port of its own in a temporary folder and is stopped by the test.

PostgreSQL's binaries come from the machine (Debian's postgresql package); when they are missing
the tests are skipped with the reason, and with CI=true they fail instead. The machine's shared
PostgreSQL is never reconfigured: the replica test replicates from a primary of its own.
"""

import asyncio
import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def wait_for_port(port: int, *, timeout: float = 30, process=None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            text = log.read_text() if log and log.exists() else ""
            raise RuntimeError(f"process exited ({process.returncode}):\n{text[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


def postgres_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    # Debian keeps the server's tools beside each other there; PATH may hold only wrappers.
    found = candidates[-1] if candidates else shutil.which("initdb")
    if not found or not (Path(found).parent / "pg_basebackup").exists():
        skip_or_fail("PostgreSQL's server binaries (initdb, pg_basebackup) are not installed")
    return Path(found).parent


def _version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


class Cluster:
    """A primary and a streaming replica (pg_basebackup -R), both on 127.0.0.1 with trust auth.

    As root, the servers run as the `postgres` OS user (PostgreSQL refuses root)."""

    def __init__(self, primary_port: int, replica_port: int):
        self.bin = postgres_bindir()
        # Not under pytest's temporary folder: its parents are closed to the postgres user.
        self.base = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
        self.primary_dir, self.replica_dir = self.base / "primary", self.base / "replica"
        self.primary_port, self.replica_port = primary_port, replica_port
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                skip_or_fail("running as root and there is no postgres OS user for the servers")

    def url(self, which: str = "primary", database: str = "portal") -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def _run(self, *command, **kwargs):
        if self.user is not None:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.primary_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nmax_connections = 40\n"
            )
        with open(self.primary_dir / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._pg_ctl(self.primary_dir, self.primary_port, "start")
        self._run(
            str(self.bin / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.replica_dir),
            "-R",  # standby.signal and primary_conninfo: a streaming replica
            "-X",
            "stream",
        )
        self._pg_ctl(self.replica_dir, self.replica_port, "start")
        self._run(
            str(self.bin / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-c",
            "CREATE DATABASE portal",
        )

    def _pg_ctl(self, data: Path, port: int, action: str) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            f"-p {port}",
            "-l",
            str(data.parent / f"{data.name}.log"),
            "-w",
            "-t",
            "60",
            action,
        )

    def stop(self) -> None:
        for data in (self.replica_dir, self.primary_dir):
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in self.base.glob("*.log"))


def manage(*args, env: dict, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


_static = {}


def static_root() -> Path:
    """Static files collected once per test run: production settings serve them through
    whitenoise's manifest, which `collectstatic` writes."""
    if "root" not in _static:
        root = Path(tempfile.mkdtemp(prefix="portal-static-"))
        atexit.register(shutil.rmtree, root, True)
        env = {**os.environ, "DJANGO_STATIC_ROOT": str(root), "DATABASE_URL": "sqlite://:memory:"}
        manage("collectstatic", "--noinput", "-v0", env=env)
        _static["root"] = root
    return _static["root"]


def portal_env(database_url: str, var_dir: Path, **extra) -> dict:
    """The environment of a portal process of these tests (production-like settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REPLICA_", "CELERY_", "PORTAL_", "REDIS_CACHE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        PORTAL_VAR_DIR=str(var_dir),
        DJANGO_STATIC_ROOT=str(static_root()),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SMS_BACKEND="tickets.notify.ConsoleSMSBackend",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class PgBouncer:
    """PgBouncer in transaction mode in front of a PostgreSQL server (Debian's package)."""

    def __init__(self, *, port: int, server_port: int = 5432, pool_size: int = 4):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            skip_or_fail("pgbouncer is not installed (Debian's pgbouncer package)")
        self.binary, self.port = binary, port
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pgbouncer-"))
        (self.dir / "users.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={server_port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir / 'users.txt'}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmax_client_conn = 200\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\npidfile = {self.dir / 'pgbouncer.pid'}\n"
        )
        self.process = None

    def start(self) -> "PgBouncer":
        command = [self.binary, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            user = pwd.getpwnam("postgres")
            for path in [self.dir, *self.dir.iterdir()]:
                os.chown(path, user.pw_uid, user.pw_gid)
            command = [*command, "-u", "postgres"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        wait_for_port(self.port, process=self.process, log=self.dir / "pgbouncer.log")
        return self

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class Gunicorn:
    """`gunicorn portal.wsgi` on a port, logging to a file."""

    def __init__(self, *, port: int, env: dict, log: Path, workers: int = 1):
        self.port, self.env, self.log, self.workers = port, env, log, workers
        self.process = None

    def start(self) -> "Gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--access-logfile",
            "-",
        ]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_for_port(self.port, timeout=60, process=self.process, log=self.log)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class RoundRobinProxy:
    """One address in front of several servers, each new connection to the next one (what
    nginx's `upstream` does by default), in a thread of the test process. Counts connections
    per backend."""

    def __init__(self, port: int, backends: list[int]):
        self.port, self.backends = port, backends
        self.served = dict.fromkeys(backends, 0)
        self._turn = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> "RoundRobinProxy":
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self._server = future.result(10)
        return self

    async def _listen(self):
        return await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _handle(self, client_reader, client_writer):
        backend = self.backends[self._turn % len(self.backends)]
        self._turn += 1
        self.served[backend] += 1
        reader, writer = await asyncio.open_connection("127.0.0.1", backend)

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            finally:
                sink.close()

        await asyncio.gather(pipe(client_reader, writer), pipe(reader, client_writer))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _shutdown(self):
        self._server.close()
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
