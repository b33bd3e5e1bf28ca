"""Behind PgBouncer in transaction mode (Debian's package, started by the test): each transaction
may run on another server connection, so nothing may rely on session state. The demo loader
(COPY, SET LOCAL, parallel workers, index rebuilds) and the streamed CSV export (a server-side
cursor fetched 2,000 rows at a time) must work through it."""

import re

import httpx
import pytest
from django.db import connection

from tickets.models import Ticket

from .processes import Gunicorn, PgBouncer, free_port, manage, portal_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bouncer():
    bouncer = PgBouncer(port=free_port(5443)).start()
    yield bouncer
    bouncer.stop()


def indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'tickets_%%'")
        return sorted(name for (name,) in cursor.fetchall())


def test_the_loader_and_the_streamed_export_work_through_transaction_pooling(bouncer, tmp_path):
    env = portal_env(bouncer.url(connection.settings_dict["NAME"]), tmp_path)
    before = indexes()
    manage(
        "load_demo_city",
        *("--tickets", "5000", "--days", "30", "--chunk", "1000", "--workers", "2"),
        *("--bulk", "--seed", "4", "--quiet-logins", "-v0"),
        env=env,
    )
    assert Ticket.objects.count() == 5000
    assert indexes() == before  # dropped for the load, built again, through PgBouncer
    server = Gunicorn(port=free_port(8183), env=env, log=tmp_path / "gunicorn.log").start()
    try:
        with httpx.Client(base_url=server.url, timeout=120) as browser:
            page = browser.get("/admin/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
            login = {"username": "dispatcher", "password": "demo-12345"}
            response = browser.post(
                "/admin/login/", data={**login, "csrfmiddlewaretoken": token, "next": "/admin/"}
            )
            assert response.status_code == 302
            export = browser.get("/admin/tickets/ticket/export.csv", params={"status": "all"})
    finally:
        server.stop()
    assert export.status_code == 200, (tmp_path / "gunicorn.log").read_text()[-3000:]
    lines = export.text.splitlines()
    assert len(lines) == 1 + 5000  # the header, then every ticket: three fetches of the cursor
    numbers = {line.split(",")[0] for line in lines[1:]}
    assert numbers == set(Ticket.objects.values_list("number", flat=True))
