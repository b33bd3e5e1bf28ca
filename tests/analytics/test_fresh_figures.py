"""Statistics are there from the first page: the demo builds its summaries when it is loaded,
/stats/ is cached only until the summaries change and tells "being prepared" from "no data",
and in the first days of a month the dashboard shows last month's rates, labelled."""

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from analytics import refresh
from analytics.models import PlaceCategoryDay, RefreshState, UnitMonth
from tickets import services
from tickets.models import Ticket
from tickets.sla import SHANGHAI

pytestmark = pytest.mark.django_db


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def close(ticket, staff):
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=True,
        satisfaction="satisfied",
    )  # fmt: skip


def test_loading_the_demo_builds_the_statistics_for_the_first_page_load():
    call_command("load_demo_city", tickets=300, days=45, seed=3, quiet_logins=True, verbosity=0)
    state = RefreshState.objects.get(name=RefreshState.SUMMARIES)
    assert state.refreshed_until is not None
    last = refresh.last_month()
    assert PlaceCategoryDay.objects.filter(month=last).exists()
    assert UnitMonth.objects.filter(month=last, valid__gt=0).exists()
    page = english().get("/stats/").text
    assert "No data for this month." not in page and "being prepared" not in page
    assert "demands received this month." in page
    client = english()
    client.force_login(get_user_model().objects.get(username="analyst"))
    dashboard = client.get(reverse("admin:dashboard")).text
    assert "No callbacks recorded this month yet." not in dashboard
    ranking = client.get(reverse("admin:analytics_rates"), {"kind": "street_office"})
    assert any(row[0] for row in ranking.context["rows"])  # ranked units, not an empty list


def test_stats_page_says_being_prepared_then_shows_the_refresh_at_once(lifecycle, staff):
    close(lifecycle("replied"), staff)
    url = f"/stats/?month={refresh.this_month():%Y-%m}"
    first = english().get(url).text
    assert "being prepared" in first and "No data for this month." not in first
    assert english().get(url).text == first  # cached meanwhile
    refresh.refresh_dirty()  # what beat does every few minutes
    page = english().get(url).text
    assert "being prepared" not in page
    assert "1 demand received this month." in page and "This month is not over" in page


def test_a_month_without_tickets_says_no_data(city):
    page = english().get("/stats/?month=2020-01").text
    assert "No data for this month." in page and "being prepared" not in page


def test_open_data_follows_a_rebuild_at_once(lifecycle, staff):
    month = f"{refresh.this_month():%Y-%m}"
    url = f"/stats/open-data/intake-{month}.json"
    assert english().get(url).json()["rows"] == []
    close(lifecycle("replied"), staff)
    refresh.rebuild(refresh.ticket_days())
    assert english().get(url).json()["rows"][0]["tickets"] == 1


def test_dashboard_shows_last_months_rates_until_this_month_has_a_callback(
    lifecycle, staff, time_machine
):
    time_machine.move_to(datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI))
    close(lifecycle("replied"), staff)
    time_machine.move_to(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    refresh.rebuild(refresh.ticket_days())
    client = english()
    client.force_login(staff["analyst"])
    page = client.get(reverse("admin:dashboard")).text
    assert "The three rates in October 2026" in page
    assert "data-rates-of-last-month" in page
    assert "No callbacks recorded this month yet." not in page
    close(lifecycle("replied"), staff)
    refresh.refresh_dirty()
    page = client.get(reverse("admin:dashboard")).text
    assert "The three rates in November 2026" in page
    assert "data-rates-of-last-month" not in page
    assert Ticket.objects.count() == 2
