"""The reference cache: categories, regions and the catalogue's suggestion for intake
(tickets.lookups)."""

from datetime import timedelta

import pytest
from django.core.cache import caches

from departments.models import Department, DispatchRule
from tickets import lookups
from tickets.models import CategoryAttribute
from tickets.validation import clean_category, clean_region

pytestmark = pytest.mark.django_db


def test_a_category_is_read_once_with_its_urgency_and_questions(
    category, django_assert_num_queries
):
    CategoryAttribute.objects.create(
        category=category, code="floor", datatype="number", description="楼层"
    )
    lookups.category(category.code)
    with django_assert_num_queries(0):
        found = lookups.category(category.code)
        assert found.urgency.code == category.urgency.code
        assert [q.code for q in found.attributes.all()] == ["floor"]
        assert clean_category(category.code, {}) == category


def test_a_region_comes_with_its_ancestors(city, django_assert_num_queries):
    community = city["shenggunan"]
    lookups.region(community.code)
    with django_assert_num_queries(0):
        found = clean_region(community.code, {})
        assert found.ancestor_at(found.Level.DISTRICT) == community.parent.parent


def test_a_change_saved_here_is_seen_at_once(category):
    assert clean_category(category.code, {}) == category
    category.is_active = False
    category.save()
    errors = {}
    assert clean_category(category.code, errors) is None
    assert errors["category"]  # no longer offered


def test_a_change_to_the_urgency_class_clears_the_cache(category):
    lookups.category(category.code)
    category.urgency.reply_limit = timedelta(days=7)
    category.urgency.save()
    assert lookups.category(category.code).urgency.reply_limit == timedelta(days=7)


def test_unknown_and_odd_codes_are_looked_up_but_never_cached(category, recwarn):
    assert lookups.category("no.such.code") is None
    assert lookups.category("housing property plate") is None  # a space: no cache key
    assert lookups.category("x" * 500) is None
    assert caches["reference"].get("category:no.such.code") is None
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]


# -- the dispatch catalogue's suggestion ------------------------------------------------------


def test_the_suggestion_follows_the_catalogue_and_is_read_once(
    category, city, units, django_assert_num_queries
):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    assert lookups.suggested_unit_id(category, city["shenggunan"]) == units["street"].pk
    assert lookups.suggested_unit_id(category, city["anzhen"]) == units["other_street"].pk
    with django_assert_num_queries(0):
        assert lookups.suggested_unit_id(category, city["shenggunan"]) == units["street"].pk


def test_a_new_rule_or_an_inactive_unit_changes_the_suggestion_at_once(category, city, units):
    place = city["shenggunan"]
    assert lookups.suggested_unit_id(category, place) == units["district"].pk  # the backstop
    rule = DispatchRule.objects.create(category=category, unit=units["bureau"])
    assert lookups.suggested_unit_id(category, place) == units["bureau"].pk
    units["bureau"].is_active = False
    units["bureau"].save()
    assert lookups.suggested_unit_id(category, place) == units["district"].pk
    units["bureau"].is_active = True
    units["bureau"].save()
    rule.delete()
    assert lookups.suggested_unit_id(category, place) == units["district"].pk


def test_no_unit_at_all_is_remembered_as_none(category, city, django_assert_num_queries):
    # No units exist: not even a district government to fall back on.
    assert lookups.suggested_unit_id(category, city["shenggunan"]) is None
    with django_assert_num_queries(0):
        assert lookups.suggested_unit_id(category, city["shenggunan"]) is None
