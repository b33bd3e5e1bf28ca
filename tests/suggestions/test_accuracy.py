"""Production accuracy: the analytics page on how often operators chose what was suggested."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from suggestions.models import SuggestionRecord
from suggestions.selectors import accuracy_by_month
from tickets.sla import SHANGHAI

pytestmark = pytest.mark.django_db

PAGE = "admin:analytics_suggestions"


@pytest.fixture
def records(submit, taxonomy, staff):
    """Last month 2 of 4 first choices and 3 of 4 among the three; this month 1 of 1."""
    ticket = submit()
    this_month = datetime.now(SHANGHAI).replace(day=1, hour=12, minute=0)
    last_month = this_month - timedelta(days=10)
    for rank, at in [(1, last_month), (1, last_month), (3, last_month), (None, last_month),
                     (1, this_month)]:  # fmt: skip
        SuggestionRecord.objects.create(
            ticket=ticket,
            action="accept",
            model_version=1,
            suggested=[],
            chosen=taxonomy["plate"],
            rank=rank,
            actor=staff["operator"],
            created_at=at,
        )
    return this_month, last_month


def test_accuracy_is_counted_per_beijing_month_newest_first(records):
    this_month, last_month = records
    rows = accuracy_by_month()
    assert [(r["month"].strftime("%Y-%m"), r["records"], r["top1"], r["top3"]) for r in rows] == [
        (f"{this_month:%Y-%m}", 1, 1.0, 1.0),
        (f"{last_month:%Y-%m}", 4, 0.5, 0.75),
    ]


def test_analysts_and_supervisors_see_the_page_and_its_csv(client, staff, records):
    for role in ("analyst", "supervisor"):
        client.force_login(staff[role])
        page = client.get(reverse(PAGE))
        assert page.status_code == 200
        assert page.context["rows"][1][1:] == [4, "50.0%", "75.0%"]
    download = client.get(reverse(PAGE), {"format": "csv"})
    assert download.status_code == 200 and "75.0%" in download.content.decode()


def test_unit_staff_may_not_open_it(client, staff):
    client.force_login(staff["handler"])
    assert client.get(reverse(PAGE)).status_code == 403


def test_the_page_is_linked_from_the_other_analytics_pages(client, staff):
    client.force_login(staff["analyst"])
    page = client.get(reverse("admin:analytics_rates"))
    assert reverse(PAGE) in page.content.decode()
