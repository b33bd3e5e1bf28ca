"""Analytics pages for staff, public statistics and open data."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import refresh
from tickets import services

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "admin:analytics_rates",
    "admin:analytics_intake",
    "admin:analytics_hotspots",
    "admin:analytics_repeats",
    "admin:analytics_topics",
]


@pytest.fixture
def month_of_data(lifecycle, staff):
    ticket = lifecycle("replied")
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=True,
        satisfaction="satisfied",
    )  # fmt: skip
    refresh.rebuild(refresh.ticket_days())
    return f"{timezone.localdate():%Y-%m}"


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_analysts_open_every_page_and_its_csv(client, staff, month_of_data, name):
    client.force_login(staff["analyst"])
    assert client.get(reverse(name), {"month": month_of_data}).status_code == 200
    download = client.get(reverse(name), {"month": month_of_data, "format": "csv"})
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_unit_staff_may_not_open_analytics(client, staff, name):
    client.force_login(staff["handler"])
    assert client.get(reverse(name)).status_code == 403


def test_rankings_page_ranks_the_street_and_links_to_its_trend(client, staff, units, month_of_data):
    client.force_login(staff["supervisor"])
    response = client.get(
        reverse("admin:analytics_rates"), {"month": month_of_data, "kind": "street_office"}
    )
    (row,) = response.context["rows"]
    assert row[0] == 1 and row[1]["text"] == units["street"].name and row[6] == "100.0%"
    trend = client.get(row[1]["url"])
    assert trend.status_code == 200
    last = trend.context["rows"][-1]
    assert last[1] == 1 and "contacted__exact=0" in last[2]["url"]


def test_trend_links_open_the_callbacks_that_lowered_a_rate(client, staff, lifecycle, units):
    ticket = lifecycle("replied")
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=False,
        satisfaction="unsatisfied",
    )  # fmt: skip
    refresh.rebuild(refresh.ticket_days())
    client.force_login(staff["supervisor"])
    trend = client.get(
        reverse("admin:analytics_unit", args=[units["street"].pk]),
        {"month": f"{timezone.localdate():%Y-%m}"},
    )
    resolution_link = trend.context["rows"][-1][3]["url"]
    listed = client.get(resolution_link)
    assert [c.ticket_id for c in listed.context["cl"].result_list] == [ticket.pk]


def test_rankings_page_reads_summaries_only(client, staff, month_of_data, lifecycle):
    client.force_login(staff["analyst"])
    url = reverse("admin:analytics_rates")
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"month": month_of_data})
    for _ in range(3):
        lifecycle("closed")
    refresh.rebuild(refresh.ticket_days())
    with CaptureQueriesContext(connection) as second:
        client.get(url, {"month": month_of_data})
    assert len(first) == len(second)
    assert not any('"tickets_ticket"' in q["sql"] for q in second.captured_queries)


def test_reviewer_excludes_a_callback_from_the_rates(client, staff, month_of_data):
    from tickets.models import Callback

    callback = Callback.objects.get()
    client.force_login(staff["supervisor"])
    client.post(
        reverse("admin:tickets_callback_changelist"),
        {"action": "exclude_as_unreasonable", "_selected_action": [callback.pk]},
    )
    assert callback.review.reason == "unreasonable"
    refresh.refresh_dirty()
    response = client.get(reverse("admin:analytics_rates"), {"month": month_of_data})
    row = response.context["rows"][0]
    assert row[2] == 0 and row[9] == "100.0%"  # excluded; the figure without exclusions stays


def test_public_statistics_page(client, month_of_data):
    response = client.get(reverse("public-stats"), {"month": month_of_data})
    assert response.status_code == 200
    assert response.context["total"] == 1 and response.context["ranked"][0]["rank"] == 1


def test_open_data_is_deidentified_and_no_finer_than_the_community(client, submit, month_of_data):
    submit(contact_name="欧阳娜娜", contact_phone="13700001234", address="胜古南里9号楼3单元502")
    refresh.rebuild(refresh.ticket_days())
    for dataset in ("intake", "street-rates"):
        for fmt in ("csv", "json"):
            url = reverse("open-data", args=[dataset, month_of_data, fmt])
            body = client.get(url).content.decode("utf-8")
            for secret in ("欧阳娜娜", "李雪贞", "13700001234", "13812345678", "9号楼", "12号楼"):
                assert secret not in body, (dataset, fmt, secret)
    rows = json.loads(
        client.get(reverse("open-data", args=["intake", month_of_data, "json"])).content
    )["rows"]
    places = {"district", "street", "community", "lat", "lon"}  # lat/lon: the place's centre
    assert set(rows[0]) == {"month", *places, "category_1", "category_2", "category_3", "tickets"}
    assert rows[0]["lat"] is None  # no boundaries here: no point at all, never the resident's
    assert sum(r["tickets"] for r in rows) == 2 and rows[0]["community"] == "胜古南社区"


def test_open_data_rejects_a_bad_month_and_an_unknown_dataset(client):
    assert client.get("/stats/open-data/intake-2026-13.csv").status_code == 400
    assert client.get("/stats/open-data/people-2026-11.csv").status_code == 404
