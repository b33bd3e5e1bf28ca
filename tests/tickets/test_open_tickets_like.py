"""The "already reported?" selector: open tickets of one category at one place."""

import pytest

from tickets.selectors import open_tickets_like

from ..factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_open_tickets_of_the_category_at_the_community_newest_first(
    lifecycle, submit, city, category
):
    older = lifecycle("dispatched")
    newer = lifecycle("submitted")
    lifecycle("closed")
    submit(region=city["anzhen"])
    other = CategoryFactory(code="x.y.z", name="其他", level=3, parent=category.parent)
    submit(category=other)
    found = list(open_tickets_like(category=category, region=city["shenggunan"]))
    assert found == [newer, older]


def test_a_street_matches_its_communities_and_is_limited(submit, city, category):
    for _ in range(7):
        submit()
    assert len(open_tickets_like(category=category, region=city["hepingjie"])) == 5
    assert list(open_tickets_like(category=category, region=city["anzhen"])) == []


def test_the_city_level_matches_nothing(submit, city, category):
    submit()
    assert list(open_tickets_like(category=category, region=city["beijing"])) == []


def test_one_query_with_the_handling_unit(lifecycle, city, category, django_assert_num_queries):
    lifecycle("dispatched")
    lifecycle("dispatched")
    with django_assert_num_queries(1):
        names = [
            t.lead_unit.name
            for t in open_tickets_like(category=category, region=city["shenggunan"])
        ]
    assert names == ["和平街街道办事处"] * 2
