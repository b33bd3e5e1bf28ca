"""English mode shows data names in English: regions, units and categories carry `name_en`,
picked by the active language in one place (`display_name`), on the residents' site, in the
admin lists and in the API; dates are written the English way."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from departments.models import Department, Region
from departments.names import in_language
from tickets.models import Category

from .conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(tree, units):
    """English names for the small city's places, units and categories."""
    english = {
        Region: {
            "110105": "Chaoyang District",
            "110105019": "Hepingjie Subdistrict",
            "110105019001": "Shengunan Community",
        },
        Department: {"st-110105019": "Hepingjie Subdistrict Office"},
        Category: {
            "housing": "Housing",
            "housing.property": "Property management",
            "housing.property.plate": "Missing building number",
        },
    }
    for model, names in english.items():
        for code, name_en in names.items():
            model.objects.filter(code=code).update(name_en=name_en)
    return tree


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Chaoyang District"), ("en-gb", "Chaoyang District"), ("zh-hans", "朝阳区")],
)
def test_the_name_follows_the_active_language(named, language, expected):
    region = Region.objects.get(code="110105")
    with translation.override(language):
        assert region.display_name == expected == str(region)


def test_without_an_english_name_the_chinese_one_is_shown(named):
    with translation.override("en"):
        assert Region.objects.get(code="110105003").display_name == "安贞街道"
        assert in_language("朝阳区", "") == "朝阳区"


def test_a_categorys_path_is_in_the_active_language(named):
    plate = Category.objects.get(code="housing.property.plate")
    with translation.override("en"):
        assert plate.path == "Housing › Property management › Missing building number"
    assert plate.path == "住房 › 物业管理 › 楼牌号缺失"


def test_the_submission_form_offers_english_names_in_english(named, where):
    client = english_client()
    page = client.get("/submit/").text
    assert '<option value="housing">Housing</option>' in page
    assert '<option value="110105">Chaoyang District</option>' in page
    streets = client.get("/submit/options/regions/110105/").json()["options"]
    assert {"value": "110105019", "label": "Hepingjie Subdistrict"} in streets
    summary = client.post("/submit/", {**where, "step": "1"}).text
    assert "Housing › Property management › Missing building number" in summary
    assert "Chaoyang District Hepingjie Subdistrict Shengunan Community" in summary
    chinese = Client().get("/submit/").text
    assert '<option value="110105">朝阳区</option>' in chinese


def test_the_home_page_lists_the_categories_in_english(named):
    page = english_client().get("/").text
    assert "<summary>Housing</summary>" in page and "<li>Property management</li>" in page


def test_the_tracking_page_names_place_and_unit_in_english_with_english_dates(
    named, lifecycle, time_machine
):
    time_machine.move_to("2026-11-26 15:30 +0800", tick=False)
    ticket = lifecycle("dispatched")
    client = english_client()
    client.post("/track/", {"number": ticket.number, "secret": ticket.access_code})
    page = client.get(f"/track/{ticket.number}/").text
    assert "Chaoyang District Hepingjie Subdistrict Shengunan Community" in page
    assert "Hepingjie Subdistrict Office" in page
    assert "26 November 2026, 15:30" in page


def test_admin_lists_show_both_names_and_english_in_english(named, staff, lifecycle):
    lifecycle("dispatched")
    client = english_client()
    client.force_login(staff["dispatcher"])
    tickets = client.get(reverse("admin:tickets_ticket_changelist")).text
    assert "Hepingjie Subdistrict Office" in tickets and "Shengunan Community" in tickets
    assert "Housing › Property management › Missing building number" in tickets
    admin = english_client()
    admin.force_login(staff["dispatcher"].__class__.objects.create_superuser("root", "", "pw"))
    regions = admin.get(reverse("admin:departments_region_changelist")).text
    assert "English name" in regions and "Chaoyang District" in regions and "朝阳区" in regions
    found = admin.get(reverse("admin:departments_region_changelist"), {"q": "hepingjie"}).text
    assert "110105019" in found


def test_the_api_names_in_the_requested_language(named, staff, lifecycle):
    from rest_framework.test import APIClient

    from clients.services import staff_token_create

    ticket = lifecycle("dispatched")
    _token, key = staff_token_create(user=staff["dispatcher"], name="test")
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    english = http.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[0]["name"] == "Housing" and english[0]["name_en"] == "Housing"
    chinese = http.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese[0]["name"] == "住房" and chinese[0]["name_en"] == "Housing"
    (beijing,) = http.get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert beijing["children"][0]["name"] == "Chaoyang District"
    units = http.get("/api/v1/units/", {"kind": "street_office"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Hepingjie Subdistrict Office" in {u["name"] for u in units.json()}
    detail = http.get(f"/api/v1/tickets/{ticket.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["lead_unit"]["name"] == "Hepingjie Subdistrict Office"
    assert detail["community"]["name"] == "Shengunan Community"
    detail = http.get(f"/api/v1/tickets/{ticket.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert detail["lead_unit"]["name"] == "和平街街道办事处"
