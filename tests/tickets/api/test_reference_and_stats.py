"""Reference data (category and region trees, units) and the dashboard counts."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import CategoryFactory
from tickets.models import CategoryAttribute

pytestmark = pytest.mark.django_db


def test_category_tree_nests_active_categories_with_their_questions(
    as_client, category, django_assert_num_queries
):
    CategoryAttribute.objects.create(
        category=category, code="building", datatype="string", description="Which building?"
    )
    hidden = CategoryFactory(code="old", name="停用", level=1, urgency=None, is_active=False)
    CategoryFactory(code="old.child", name="孤儿", level=2, parent=hidden, urgency=None)
    http, _client = as_client()
    with django_assert_num_queries(3):  # key, categories, questions
        tree = http.get("/api/v1/categories/").json()
    assert [node["code"] for node in tree] == ["housing"]
    leaf = tree[0]["children"][0]["children"][0]
    assert leaf["code"] == category.code and leaf["urgency"] == "general"
    assert [q["code"] for q in leaf["questions"]] == ["building"]


def test_region_tree_and_subtree(as_client, city):
    http, _client = as_client()
    (beijing,) = http.get("/api/v1/regions/").json()
    (chaoyang,) = beijing["children"]
    assert {s["code"] for s in chaoyang["children"]} == {"110105019", "110105003"}
    (street,) = http.get("/api/v1/regions/", {"root": "110105019"}).json()
    assert [c["name"] for c in street["children"]] == ["胜古南社区"]
    assert http.get("/api/v1/regions/", {"root": "nowhere"}).status_code == 400


def test_units_filtered_by_kind(as_client, units):
    http, _client = as_client()
    streets = http.get("/api/v1/units/", {"kind": "street_office"}).json()
    assert {u["code"] for u in streets} == {"st-110105019", "st-110105003"}
    assert streets[0]["parent"] == "gov-110105"
    assert len(http.get("/api/v1/units/").json()) == 5
    assert http.get("/api/v1/units/", {"kind": "castle"}).status_code == 400


def test_dashboard_counts_over_the_callers_scope(as_staff, lifecycle, submit, units, staff):
    from tickets import services

    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = submit(channel="app")
    dispatched = lifecycle("dispatched")
    lifecycle("closed")
    other = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=other.pk, actor=staff["dispatcher"], lead=units["other_street"]
    )
    http = as_staff("operator")
    intake = http.get("/api/v1/stats/intake/", {"days": 7}).json()
    assert sum(row["count"] for row in intake) == 4
    assert {(row["channel"], row["count"]) for row in intake} >= {("app", 1), ("web", 3)}
    assert http.get("/api/v1/stats/intake/", {"days": 1}).json() == [
        {"date": str(timezone.localdate()), "channel": "web", "count": 3}
    ]
    assert http.get("/api/v1/stats/open/").json() == [
        {"status": "dispatched", "count": 2},
        {"status": "submitted", "count": 1},
    ]
    assert http.get("/api/v1/stats/overdue/").json() == [
        {"unit": None, "count": 1}
    ]  # old, unaccepted
    # A street office's handler counts only what its unit holds.
    assert as_staff("handler").get("/api/v1/stats/open/").json() == [
        {"status": "dispatched", "count": 1}
    ]
    assert dispatched.number and old.number
    assert http.get("/api/v1/stats/intake/", {"days": 0}).status_code == 400
    assert http.get("/api/v1/stats/intake/", {"days": "many"}).status_code == 400
