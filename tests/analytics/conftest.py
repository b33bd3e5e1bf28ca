from datetime import timedelta

import pytest

from analytics.models import PlaceCategoryDay


@pytest.fixture
def spike(city, category):
    """`spike(today, before, now)`: a community's summary rows for `category`: `before`
    tickets a week for eight weeks, then `now` today (a hotspot when `now` stands out).
    Returns today's row."""

    def make(today, before, now):
        def row(day, tickets):
            return PlaceCategoryDay.objects.create(
                day=day, month=day.replace(day=1), region=city["shenggunan"],
                district=city["chaoyang"], street=city["hepingjie"], category=category,
                tickets=tickets,
            )  # fmt: skip

        for week in range(1, 9):
            row(today - timedelta(days=7 * week), before)
        return row(today, now)

    return make
