"""The reference cache: categories and regions by code for intake (tickets.lookups)."""

from datetime import timedelta

import pytest
from django.core.cache import caches

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
