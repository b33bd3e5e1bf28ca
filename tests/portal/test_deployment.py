"""Production deployment (issue 12 §5): settings from the environment, what refuses to start, and
the layout of README "Deployment" started as the README says, in real processes."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest

from clients.services import api_client_create
from portal.settings import proxy_ssl_header
from tests.stack import ROOT, Process, RedisServer, Web, free_port, wait_for
from tests.tickets import recording_sms
from tests.tickets.celery_worker import worker_database_url
from tickets.models import Notification, Ticket

ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"


def documented_production_env() -> dict:
    """deploy/production.env.example as a mapping (KEY=VALUE lines; # comments)."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            values[key] = value
    return values


def portal_env(*mappings: dict, **values) -> dict:
    """The test run's environment without its own settings module and secret key, then the
    given values, later ones winning."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    for mapping in mappings:
        env.update(mapping)
    return {**env, **values}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("HTTP_X_FORWARDED_PROTO", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Ssl=on", ("HTTP_X_FORWARDED_SSL", "on")),
        ("", None),
    ],
)
def test_the_proxy_header_is_named_as_the_proxy_sends_it(value, expected):
    assert proxy_ssl_header(value) == expected


def test_with_debug_off_and_no_secret_key_nothing_starts_and_the_error_says_what_to_set(tmp_path):
    env = portal_env(PORTAL_VAR_DIR=str(tmp_path))
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr
    # The demo (make run sets DJANGO_DEBUG=1) still starts with its public key.
    assert manage("check", env={**env, "DJANGO_DEBUG": "1"}).returncode == 0


def test_check_deploy_passes_with_the_documented_production_variables(collected_static, tmp_path):
    env = portal_env(
        documented_production_env(),
        DATABASE_URL=worker_database_url(),
        PORTAL_VAR_DIR=str(tmp_path),
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # Each documented variable matters: without HSTS and the redirect, Django objects.
    del env["DJANGO_SECURE_HSTS_SECONDS"], env["DJANGO_SECURE_SSL_REDIRECT"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_check_deploy_reports_static_files_not_collected(tmp_path):
    env = portal_env(
        documented_production_env(),
        DATABASE_URL=worker_database_url(),
        PORTAL_VAR_DIR=str(tmp_path),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0 and "portal.E001" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_web_process_without_collected_static_files_refuses_to_start_and_says_why(tmp_path):
    """Rather than answering 500 on every page (whitenoise's manifest has no entry)."""
    env = portal_env(
        DJANGO_SECRET_KEY="k" * 50,
        DATABASE_URL=worker_database_url(),
        PORTAL_VAR_DIR=str(tmp_path),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    web = Web(env, tmp_path)
    with pytest.raises(AssertionError, match="gunicorn exited"):
        web.start()
    assert "Static files are not collected" in web.logs()
    assert "manage.py collectstatic --no-input" in web.logs()


# --- The production layout ------------------------------------------------------------------


class Layout(Process):
    """`scripts/production` (release steps, then supervisord) with its `ctl` for supervisorctl."""

    def __init__(self, env, log_dir):
        super().__init__("production", ["scripts/production"], env, log_dir)

    def ctl(self, *args) -> str:
        result = subprocess.run(
            ["scripts/production", "ctl", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def pid(self, program: str) -> int:
        return int(self.ctl("pid", program).strip() or 0)

    def running(self, *programs) -> bool:
        status = self.ctl("status")
        return all(re.search(rf"^{p}\s+RUNNING", status, re.M) for p in programs)


PROGRAMS = ("web", "worker", "beat", "relay")


HOST = documented_production_env()["DJANGO_ALLOWED_HOSTS"]


def https_get(url: str, **headers):
    """A request as the TLS proxy forwards it (deploy/nginx.conf sets X-Forwarded-Proto and
    passes the Host)."""
    request = urllib.request.Request(
        url, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers}
    )
    return urllib.request.urlopen(request, timeout=10)


def plain_get(url: str):
    request = urllib.request.Request(url, headers={"Host": HOST})
    return urllib.request.build_opener(NoRedirect).open(request, timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_production_layout_serves_pages_delivers_notices_and_restarts_what_dies(
    tmp_path, redis, city, category
):
    """README "Deployment": the documented variables, `scripts/production` (collectstatic,
    migrate, check --deploy, supervisord). Pages and static files are served, a ticket created
    through the API gets its SMS from the worker, and a worker or relay killed with SIGKILL is
    started again by supervisord and goes on working."""
    port = free_port()
    sms_dir = tmp_path / "sms"
    env = portal_env(
        documented_production_env(),
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DJANGO_STATIC_ROOT=str(tmp_path / "var" / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "var" / "media"),
        DATABASE_URL=worker_database_url(),
        CELERY_BROKER_URL=redis.url(0),
        REDIS_CACHE_URL=redis.url(1),
        PORTAL_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
        EMAIL_HOST="127.0.0.1",
        SMS_BACKEND="tests.tickets.recording_sms.RecordingSMSBackend",
        SMS_FILE_DIR=str(sms_dir),
    )
    layout = Layout(env, tmp_path).start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: layout.running(*PROGRAMS),
            timeout=180,
            interval=1,
            message=f"the layout did not start:\n{layout.logs()}",
        )
        assert "System check identified no issues" in layout.logs()  # the release's check --deploy

        # Pages, over the proxy's https, with HSTS; static files by their hashed names.
        with https_get(f"{base}/") as response:
            page = response.read().decode()
            assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        stylesheet = re.search(r'href="(/static/portal/site\.[0-9a-f]{12}\.css)"', page).group(1)
        with https_get(f"{base}{stylesheet}") as response:
            assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
        # Plain http is sent to https; the health check answers on plain http for probes.
        with pytest.raises(urllib.error.HTTPError) as redirect:
            plain_get(f"{base}/submit/")
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == f"https://{HOST}/submit/"
        with plain_get(f"{base}/healthz") as response:
            assert json.load(response)["status"] == "ok"

        _client, key = api_client_create(
            name="district app", allowed_actions=("submit",), rate_limit="100/min"
        )

        def create_ticket(phone: str) -> Notification:
            body = json.dumps(
                {
                    "kind": "help",
                    "category": category.code,
                    "region": city["shenggunan"].code,
                    "description": "楼牌号缺失，外卖骑手找不到12号楼。",
                    "address": "胜古南里12号楼",
                    "contact_name": "李雪贞",
                    "contact_phone": phone,
                }
            ).encode()
            request = urllib.request.Request(
                f"{base}/api/v1/tickets/",
                data=body,
                method="POST",
                headers={
                    "Authorization": f"Token {key}",
                    "Content-Type": "application/json",
                    "Host": HOST,
                    "X-Forwarded-Proto": "https",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 201
                number = json.load(response)["number"]
            return Notification.objects.get(ticket=Ticket.objects.get(number=number))

        def delivered(row: Notification) -> bool:
            row.refresh_from_db()
            return row.status == "sent" and row.idempotency_key in recording_sms.accepted(sms_dir)

        first = create_ticket("13812345678")
        wait_for(lambda: delivered(first), timeout=60, message=layout.logs())

        # A process that dies is started again, and the next notice goes out.
        for program in ("worker", "relay"):
            before = layout.pid(program)
            os.kill(before, signal.SIGKILL)
            wait_for(
                lambda program=program, before=before: (
                    layout.pid(program) not in (0, before) and layout.running(program)
                ),
                timeout=60,
                interval=0.5,
                message=layout.ctl("status"),
            )
        second = create_ticket("13912345678")
        wait_for(lambda: delivered(second), timeout=60, message=layout.logs())

        for program in ("worker", "beat", "relay"):
            result = manage("healthcheck", program, env=env)
            assert result.returncode == 0, result.stderr
        result = manage("healthcheck", "web", "--url", f"{base}/healthz", env=env)
        assert result.returncode == 0, result.stderr
    finally:
        layout.stop(timeout=90)
    assert not layout.alive()
    supervisor_log = (tmp_path / "var" / "log" / "supervisord.log").read_text()
    assert "exited: worker (terminated by SIGKILL" in supervisor_log
    assert "stopped: web (exit status 0)" in supervisor_log


# --- nginx in front (deploy/nginx.conf) --------------------------------------------------------


def nginx_or_skip() -> str:
    binary = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if binary is None:
        reason = "nginx is not installed (apt-get install nginx-light)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs {reason}")
        pytest.skip(reason)
    return binary


def render_nginx(tmp_path, *, upstream: int, http: int, https: int, static, media) -> Path:
    """deploy/nginx.conf with this test's ports, paths and a self-signed certificate, inside a
    minimal main configuration."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/ssl/12345/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/ssl/12345/privkey.pem": str(tmp_path / "key.pem"),
        "/srv/12345/var/static/": f"{static}/",
        "/srv/12345/var/media/": f"{media}/",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = f"""
        {"user root;" if os.geteuid() == 0 else ""}
        worker_processes 1;
        daemon off;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            include /etc/nginx/mime.types;
            access_log {tmp_path}/access.log;
            client_body_temp_path {temp["body"]};
            proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]};
            uwsgi_temp_path {temp["uwsgi"]};
            scgi_temp_path {temp["scgi"]};
            include {tmp_path}/site.conf;
        }}
    """
    (tmp_path / "nginx.conf").write_text(main)
    return tmp_path / "nginx.conf"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_nginx_serves_static_files_hides_attachments_and_proxies_the_rest_as_https(
    tmp_path, collected_static
):
    binary = nginx_or_skip()
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "photo.jpg").write_bytes(b"\xff\xd8 not for the public")
    env = portal_env(
        DJANGO_SECRET_KEY="k" * 50,
        DATABASE_URL=worker_database_url(),
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DJANGO_STATIC_ROOT=str(collected_static),
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECURE_HSTS_SECONDS="31536000",
    )
    web = Web(env, tmp_path).start()
    http, https = free_port(), free_port()
    nginx = None
    try:
        config = render_nginx(
            tmp_path,
            upstream=web.port,
            http=http,
            https=https,
            static=collected_static,
            media=media,
        )
        test = subprocess.run([binary, "-t", "-c", str(config)], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        nginx = Process("nginx", [binary, "-c", str(config)], os.environ, tmp_path).start()
        client = httpx.Client(base_url=f"https://127.0.0.1:{https}", verify=False, timeout=10)
        wait_for(lambda: _answers(client), timeout=20, message=nginx.logs())
        # Pages come from Django, which sees https (no redirect loop) and adds HSTS.
        page = client.get("/")
        assert page.status_code == 200 and "12345" in page.text
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # Static files come from nginx itself (no Django headers), compressed, kept a year.
        href = re.search(r'href="(/static/portal/site\.[0-9a-f]{12}\.css)"', page.text).group(1)
        sheet = client.get(href, headers={"Accept-Encoding": "gzip"})
        assert sheet.status_code == 200 and sheet.headers["Content-Encoding"] == "gzip"
        assert "immutable" in sheet.headers["Cache-Control"]
        assert "X-Frame-Options" not in sheet.headers
        # Attachments are not reachable by their path, through either name.
        for path in ("/protected-media/attachments/photo.jpg", "/media/attachments/photo.jpg"):
            response = client.get(path)
            assert response.status_code == 404 and b"not for the public" not in response.content
        # Plain http is only a redirect to https.
        plain = httpx.get(f"http://127.0.0.1:{http}/track/", timeout=10)
        assert plain.status_code == 301
        assert plain.headers["Location"] == "https://127.0.0.1/track/"
    finally:
        if nginx is not None:
            nginx.stop()
        web.stop()


def _answers(client) -> bool:
    try:
        client.get("/healthz")
        return True
    except httpx.TransportError:
        return False
