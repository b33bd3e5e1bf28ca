"""Public pages answer HEAD as they answer GET, without a body (uptime monitors use HEAD)."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/submit/",
    "/track/",
    "/stats/",
    "/privacy/",
    "/healthz",
    "/submit/options/regions/110105/",
    "/stats/open-data/intake-2026-10.csv",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_answer_head_like_get(client, tree, url):
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code == 200, (head.status_code, got.status_code)
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]


def test_head_on_the_form_pages_stores_and_counts_nothing(client, tree, settings):
    """HEAD takes the GET branch of the pages that also take POST (the form is not read)."""
    from tickets.models import Ticket

    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "submit": "1/h", "track": "1/h"}
    for _ in range(3):
        assert client.head("/submit/").status_code == 200
        assert client.head("/track/").status_code == 200
    assert Ticket.objects.count() == 0
    assert client.get("/submit/").status_code == 200 and client.get("/track/").status_code == 200
