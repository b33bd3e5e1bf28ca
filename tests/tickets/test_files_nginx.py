"""The production path for attachments: the download view decides who may see a photo and nginx
sends its bytes (`X-Accel-Redirect` to the `internal` location of deploy/nginx.conf), so no file
is streamed through Python and none is reachable by its path."""

import httpx
import pytest
from django.core import signing
from django.db import connection

from tests.portal.test_deployment import nginx_or_skip, portal_env, render_nginx
from tests.stack import Process, Web, free_port, wait_for
from tests.tickets.celery_worker import worker_database_url
from tickets.models import Attachment

KEY = "x" * 50  # the web process's secret key: the signed link must be made with it


def public_link(attachment: Attachment) -> str:
    token = signing.dumps({"a": attachment.pk}, key=KEY, salt="tickets.files.p", compress=False)
    return f"/files/p/{token}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_nginx_sends_a_permitted_photo_the_view_named_and_nothing_else(
    tmp_path, collected_static, with_photos, media_root
):
    binary = nginx_or_skip()
    published, private = (with_photos("dispatched").attachments.get() for _ in range(2))
    Attachment.objects.filter(pk=published.pk).update(published=True)
    stored = (media_root / published.file.name).read_bytes()
    connection.close()  # the web process reads what this test committed
    env = portal_env(
        DJANGO_SECRET_KEY=KEY,
        DATABASE_URL=worker_database_url(),
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DJANGO_STATIC_ROOT=str(collected_static),
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        PORTAL_FILES_SERVE="x-accel-redirect",
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
            media=media_root,
        )
        nginx = Process("nginx", [binary, "-c", str(config)], {}, tmp_path).start()
        client = httpx.Client(base_url=f"https://127.0.0.1:{https}", verify=False, timeout=10)
        wait_for(lambda: _answers(client), timeout=20, message=nginx.logs())
        # Straight from gunicorn: an instruction, no bytes.
        direct = httpx.get(f"http://127.0.0.1:{web.port}{public_link(published)}", timeout=10)
        assert direct.status_code == 200 and direct.content == b""
        assert direct.headers["X-Accel-Redirect"] == f"/protected-media/{published.file.name}"
        # Through nginx: the photo itself.
        photo = client.get(public_link(published))
        assert photo.status_code == 200 and photo.content == stored
        assert photo.headers["Content-Type"] == "image/jpeg"
        # A photo nobody published, by its signed link or by its path: nothing.
        assert client.get(public_link(private)).status_code == 404
        for prefix in ("/protected-media/", "/media/"):
            response = client.get(prefix + published.file.name)
            assert response.status_code == 404 and response.content != stored
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
