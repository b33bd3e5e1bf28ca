"""One month parser for every page, open-data file and API parameter (issue 12 §4: a month
such as 0001-01 overflowed the date arithmetic into a 500)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from analytics.months import MonthField, parse_month
from tests.tickets.api.problems import error_fields

FAR_MONTHS = ["0001-01", "1999-12", "2100-01", "9999-12"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10", date(2026, 10, 1)), ("2000-01", date(2000, 1, 1)), ("2099-12", date(2099, 12, 1))],
)
def test_a_month_in_range_is_its_first_day(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", FAR_MONTHS)
def test_a_month_outside_the_statistics_years_is_refused_saying_the_range(text):
    with pytest.raises(ValidationError) as refused:
        parse_month(text)
    assert refused.value.code == "month_range"
    assert "2000-01" in refused.value.messages[0] and "2099-12" in refused.value.messages[0]


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-1", "26-10", "2026/10", "x", "2026-10-01", "\x00"]
)
def test_a_month_not_written_yyyy_mm_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        parse_month(text)
    assert refused.value.code == "month_format"


def test_the_form_field_refuses_far_months_and_keeps_the_first_day():
    field = MonthField(required=False)
    assert field.clean("2026-10") == date(2026, 10, 1)
    with pytest.raises(ValidationError):
        field.clean("0001-01")


# -- every surface that takes a month -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("month", [*FAR_MONTHS, "2026-13", "abc"])
def test_public_statistics_answer_a_bad_month_with_400_and_say_why(client, city, month):
    response = client.get("/stats/", {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'id="month-error"' in response.text
    reason = "YYYY-MM" if month in ("2026-13", "abc") else "between 2000-01 and 2099-12"
    assert reason in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", ["street-rates", "intake"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13"])
def test_open_data_files_of_a_bad_month_are_400(client, city, dataset, fmt, month):
    response = client.get(f"/stats/open-data/{dataset}-{month}.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "month" in response.content.decode()


STAFF_MONTH_PAGES = ["admin:analytics_rates", "admin:analytics_topics", "admin:analytics_unit"]


def staff_url(name, units):
    args = [units["street"].pk] if name == "admin:analytics_unit" else []
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("name", STAFF_MONTH_PAGES)
@pytest.mark.parametrize("month", FAR_MONTHS)
def test_staff_analytics_show_a_bad_month_beside_its_field_as_a_400(
    client, staff, units, name, month
):
    client.force_login(staff["analyst"])
    url = staff_url(name, units)
    response = client.get(url, {"month": month}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose a month between 2000-01 and 2099-12." in response.text
    assert 'class="errorlist"' in response.text
    download = client.get(url, {"month": month, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 400 and "month: " in download.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/stats/rankings/", "/api/v1/stats/topics/", "/api/v1/stats/units/{code}/trend/"]
)
@pytest.mark.parametrize("month", FAR_MONTHS)
def test_the_stats_api_answers_a_bad_month_with_400_naming_it(staff, units, url, month):
    api = APIClient()
    api.force_authenticate(staff["analyst"])
    response = api.get(url.format(code=units["street"].code), {"month": month})
    assert response.status_code == 400 and "month" in error_fields(response)


@pytest.mark.django_db
def test_the_unit_trend_api_takes_a_nul_in_the_code_as_unknown(staff):
    api = APIClient()
    api.force_authenticate(staff["analyst"])
    assert api.get("/api/v1/stats/units/a%00b/trend/").status_code == 404
