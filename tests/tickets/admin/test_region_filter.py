"""The place filter of the ticket list and its export takes a region at any level (issue 12 §4:
a community's or the city's id was a 500), through the one selector the API shares."""

import csv
import io

import pytest
from django.urls import reverse

from tickets import selectors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(submit, city):
    """One ticket in 胜古南社区 (和平街街道), one at 安贞街道 (street level)."""
    return {
        "shenggunan": submit(region=city["shenggunan"]),
        "anzhen": submit(region=city["anzhen"]),
    }


EXPECTED = {
    "beijing": {"shenggunan", "anzhen"},
    "chaoyang": {"shenggunan", "anzhen"},
    "hepingjie": {"shenggunan"},
    "shenggunan": {"shenggunan"},
    "anzhen": {"anzhen"},
}


def numbers(placed, names):
    return {placed[name].number for name in names}


@pytest.mark.parametrize("level", EXPECTED)
def test_in_region_finds_the_tickets_at_and_under_any_level(placed, city, level):
    found = selectors.in_region(Ticket.objects.all(), city[level])
    assert set(found.values_list("number", flat=True)) == numbers(placed, EXPECTED[level])


@pytest.mark.parametrize("level", EXPECTED)
def test_the_ticket_list_filters_by_a_region_of_any_level(client, staff, placed, city, level):
    client.force_login(staff["dispatcher"])
    response = client.get(
        reverse("admin:tickets_ticket_changelist"), {"region": city[level].pk, "status": "all"}
    )
    assert response.status_code == 200
    shown = {t.number for t in response.context["cl"].result_list}
    assert shown == numbers(placed, EXPECTED[level])
    # the chosen place is offered (and marked) among the filter's choices
    region_filter = next(
        f
        for f in response.context["cl"].filter_specs
        if getattr(f, "parameter_name", "") == "region"
    )
    assert str(city[level].pk) in {value for value, _label in region_filter.lookup_choices}


@pytest.mark.parametrize("level", EXPECTED)
def test_the_export_filters_by_a_region_of_any_level(client, staff, placed, city, level):
    client.force_login(staff["dispatcher"])
    response = client.get(
        reverse("admin:tickets_ticket_export"), {"region": city[level].pk, "status": "all"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert {row[0] for row in rows} == numbers(placed, EXPECTED[level])


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_an_unknown_region_lists_nothing(client, staff, placed, value):
    client.force_login(staff["dispatcher"])
    response = client.get(
        reverse("admin:tickets_ticket_changelist"), {"region": value, "status": "all"}
    )
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("level", EXPECTED)
def test_the_api_region_filter_agrees_at_every_level(placed, city, staff, level):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff["dispatcher"])
    response = api.get("/api/v1/tickets/", {"region": city[level].code})
    assert response.status_code == 200
    assert {t["number"] for t in response.json()["results"]} == numbers(placed, EXPECTED[level])
