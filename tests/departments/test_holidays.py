"""The shipped work calendar, cross-checked against the `holidays` package's China data."""

from datetime import date, timedelta

import holidays
import pytest

from departments.holiday_data import SCHEDULES, calendar_rows
from departments.models import CalendarDay

OFFICIAL_YEARS = [y for y, s in SCHEDULES.items() if not s["provisional"]]


def weekday_days_off(rows, year):
    return {
        d for d, kind, _n, _p in rows if kind == "holiday" and d.year == year and d.weekday() < 5
    }


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_weekday_holidays_match_the_holidays_package(year):
    reference = holidays.China(years=year)
    assert weekday_days_off(calendar_rows(), year) == {d for d in reference if d.weekday() < 5}


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_adjusted_working_days_match_the_holidays_package(year):
    reference = holidays.China(years=year, language="en_US")
    # The package names each swapped day off "Day off (substituted from MM/DD/YYYY)".
    swapped = set()
    for name in reference.values():
        if "substituted from" in name:
            month, day, yr = name.rsplit(" ", 1)[1].rstrip(")").split("/")
            swapped.add(date(int(yr), int(month), int(day)))
    ours = {d for d, kind, _n, _p in calendar_rows() if kind == "workday" and d.year == year}
    assert ours == swapped
    assert all(d.weekday() >= 5 for d in ours)


def test_years_2025_to_2027_are_shipped_and_2027_is_provisional():
    assert set(SCHEDULES) >= {2025, 2026, 2027}
    assert SCHEDULES[2027]["provisional"]
    assert not SCHEDULES[2026]["provisional"]


def test_spring_festival_2026_is_nine_days():
    days = {d for d, kind, _n, _p in calendar_rows() if kind == "holiday"}
    first = date(2026, 2, 15)
    assert {first + timedelta(days=i) for i in range(9)} <= days


@pytest.mark.django_db
def test_migration_loaded_the_calendar():
    assert CalendarDay.objects.filter(date=date(2026, 10, 10), kind="workday").exists()
    assert CalendarDay.objects.filter(date__year=2025).count() > 20
