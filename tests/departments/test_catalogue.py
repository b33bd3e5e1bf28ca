"""Dispatch catalogue resolution (DESIGN.md §2)."""

import pytest

from departments.catalogue import suggest_lead_unit
from departments.models import Department, DispatchRule

pytestmark = pytest.mark.django_db


def test_kind_rule_resolves_to_the_street_office_of_the_ticket(category, city, units):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    assert suggest_lead_unit(category, city["shenggunan"]) == units["street"]
    assert suggest_lead_unit(category, city["anzhen"]) == units["other_street"]


def test_region_specific_rule_wins(category, city, units):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    DispatchRule.objects.create(category=category, region=city["hepingjie"], unit=units["bureau"])
    assert suggest_lead_unit(category, city["shenggunan"]) == units["bureau"]
    assert suggest_lead_unit(category, city["anzhen"]) == units["other_street"]


def test_rule_on_a_parent_category_applies_to_leaves(category, city, units):
    DispatchRule.objects.create(category=category.parent.parent, unit=units["bureau"])
    assert suggest_lead_unit(category, city["shenggunan"]) == units["bureau"]


def test_district_government_is_the_backstop(category, city, units):
    assert suggest_lead_unit(category, city["shenggunan"]) == units["district"]
    # A kind with no unit covering the region falls through to the backstop too.
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.UTILITY)
    assert suggest_lead_unit(category, city["anzhen"]) == units["district"]


def test_inactive_unit_is_skipped(category, city, units):
    units["bureau"].is_active = False
    units["bureau"].save()
    DispatchRule.objects.create(category=category, unit=units["bureau"])
    assert suggest_lead_unit(category, city["shenggunan"]) == units["district"]


def test_excluded_units_are_passed_over(category, city, units):
    DispatchRule.objects.create(category=category, region=city["hepingjie"], unit=units["bureau"])
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    place = city["shenggunan"]
    assert suggest_lead_unit(category, place) == units["bureau"]
    assert suggest_lead_unit(category, place, exclude={units["bureau"].pk}) == units["street"]
    every = {units["bureau"].pk, units["street"].pk}
    assert suggest_lead_unit(category, place, exclude=every) == units["district"]
    assert suggest_lead_unit(category, place, exclude=every | {units["district"].pk}) is None
