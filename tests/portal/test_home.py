"""The public home page: what the hotline does, kinds, categories, how to call, and this month's
figures computed from real tickets and callbacks."""

from datetime import datetime
from decimal import Decimal

import pytest

from portal.public_stats import compute_headline, headline
from tickets import services
from tickets.models import Callback
from tickets.sla import SHANGHAI
from tickets.stats import month_start

from .conftest import english_client

pytestmark = pytest.mark.django_db


def rate(ticket, staff, *, contacted=True, solved=True, satisfaction="satisfied", valid=True):
    return services.ticket_record_callback(
        ticket_id=ticket.pk,
        actor=staff["callback"],
        reachable=valid,
        contacted=contacted if valid else None,
        solved=solved if valid else None,
        satisfaction=satisfaction if valid else "",
    )


def test_home_shows_what_the_hotline_does_how_to_call_and_the_ways_in(tree):
    page = english_client().get("/").text
    assert 'href="tel:12345"' in page
    assert 'href="/submit/"' in page and 'href="/track/"' in page
    for kind in ("Consultation", "Request for help", "Complaint", "Report", "Suggestion", "Praise"):
        assert f"<strong>{kind}</strong>" in page
    assert "<summary>住房</summary>" in page and "<li>物业管理</li>" in page
    assert "<summary>交通</summary>" in page and "<li>道路</li>" in page


def test_home_is_in_chinese_by_default(client, tree):
    page = client.get("/").text
    assert '<html lang="zh-Hans">' in page
    assert "<strong>投诉</strong>" in page and "12345市民服务热线" in page


def test_the_three_rates_follow_the_definitions_over_valid_callbacks(lifecycle, staff):
    outcomes = [
        {"contacted": True, "solved": True, "satisfaction": "satisfied"},
        {"contacted": True, "solved": False, "satisfaction": "basically"},
        {"contacted": False, "solved": False, "satisfaction": "unsatisfied"},
        {"contacted": True, "solved": True, "satisfaction": "basically"},
        {"valid": False},  # unreachable: not counted
    ]
    for outcome in outcomes:
        rate(lifecycle("replied"), staff, **outcome)
    lifecycle("accepted")
    figures = compute_headline(datetime.now(SHANGHAI))
    assert figures.intake == 6
    assert figures.valid_callbacks == 4
    assert figures.response_rate == Decimal("0.75")
    assert figures.resolution_rate == Decimal("0.5")
    assert figures.satisfaction_rate == Decimal("0.7")  # (1 + 0.9 × 2) / 4
    assert (figures.response_percent, figures.satisfaction_percent) == (
        Decimal("75.0"),
        Decimal("70.0"),
    )


def test_last_months_tickets_and_callbacks_are_not_counted(lifecycle, staff, time_machine):
    time_machine.move_to(datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI))
    rate(lifecycle("replied"), staff, solved=False)
    time_machine.move_to(datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))
    rate(lifecycle("replied"), staff)
    figures = compute_headline(datetime(2026, 11, 15, tzinfo=SHANGHAI))
    assert figures.intake == 1 and figures.valid_callbacks == 1
    assert figures.resolution_rate == Decimal("1")
    assert month_start(datetime(2026, 11, 15, tzinfo=SHANGHAI)).day == 1


def test_without_callbacks_the_rates_are_shown_as_a_dash(tree):
    figures = compute_headline(datetime.now(SHANGHAI))
    assert figures.valid_callbacks == 0 and figures.response_rate is None
    page = english_client().get("/").text
    assert "<dd>—</dd>" in page


def test_home_shows_the_figures(lifecycle, staff):
    rate(lifecycle("replied"), staff, solved=False, satisfaction="basically")
    page = english_client().get("/").text
    assert "<dd>1</dd>" in page  # intake
    assert "<dd>100.0%</dd>" in page and "<dd>0.0%</dd>" in page and "<dd>90.0%</dd>" in page


def test_figures_are_cached_between_visits(lifecycle, staff):
    first = headline()
    rate(lifecycle("replied"), staff)
    assert headline() == first
    assert Callback.objects.count() == 1


def test_home_runs_a_fixed_number_of_queries(tree, lifecycle, staff, django_assert_num_queries):
    for _ in range(3):
        rate(lifecycle("replied"), staff)
    client = english_client()
    # categories, this month's intake, the callbacks' aggregate
    with django_assert_num_queries(3):
        assert client.get("/").status_code == 200
    # later visits read the figures from the cache
    with django_assert_num_queries(1):
        client.get("/")


def test_the_browsers_icon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("portal/favicon.svg")


def test_before_this_months_first_callback_the_rates_are_last_months_labelled(
    lifecycle, staff, time_machine
):
    time_machine.move_to(datetime(2026, 10, 30, 10, 0, tzinfo=SHANGHAI))
    rate(lifecycle("replied"), staff, solved=False)
    time_machine.move_to(datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI))
    lifecycle("accepted")
    figures = compute_headline(datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI))
    assert figures.intake == 1 and figures.valid_callbacks == 1
    assert figures.rates_of_last_month and figures.resolution_rate == Decimal("0")
    page = english_client().get("/").text
    assert "the three rates are those of October 2026" in page
    rate(lifecycle("replied"), staff)
    figures = compute_headline(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    assert not figures.rates_of_last_month and figures.resolution_rate == Decimal("1")
