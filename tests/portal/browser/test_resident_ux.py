"""On a phone: finding the place by typing its name, reporting with only the district known,
every error of step 2 listed at once, the privacy notice and its request form, and the form in
English with English names. Screenshots go to tests/artifacts/."""

import pytest

from departments.models import Department, DispatchRule, Region
from tickets.models import Category, Ticket

from ...factories import CategoryFactory
from .conftest import assert_reflows, screenshot
from .test_resident_journey import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def step_one(page, *, kind="help"):
    page.goto("/submit/")
    page.check(f"input[name=kind][value={kind}]")
    choose(page, "#id_category_1", "housing")
    choose(page, "#id_category_2", "housing.property")
    choose(page, "#id_category", "housing.property.lift")


def test_finding_the_place_by_typing_part_of_its_name(browse, tree):
    from playwright.sync_api import expect  # only once the browser fixture found Playwright

    page = browse()
    step_one(page)
    page.fill("#id_place_query", "安华")
    page.wait_for_selector("[data-place-results] button")
    assert "安贞街道 · 朝阳区" in page.locator("[data-place-results]").inner_text()
    assert_reflows(page)
    screenshot(page, "30-submit-place-search")
    page.locator("[data-place-results] button").first.click()
    expect(page.locator("#id_community")).to_have_value("110105003001")
    assert page.input_value("#id_district") == "110105"
    assert page.input_value("#id_street") == "110105003"
    assert "安华里社区" not in page.locator("[data-place-results]").inner_text()
    page.click("button[name=_next]")
    assert "朝阳区 安贞街道 安华里社区" in page.locator(".choice-summary").inner_text()
    page.fill("#id_description", "电梯停运三天了。")
    page.fill("#id_contact_phone", "13700001111")
    page.check("#id_consent")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    assert Ticket.objects.get().community == tree["anhuali"]


def test_a_resident_who_knows_only_the_district_reports_with_it(browse, tree, units):
    page = browse(viewport={"width": 320, "height": 640}, device_scale_factor=1)
    step_one(page)
    choose(page, "#id_district", "110105")
    page.wait_for_selector("#id_street option[value='110105019']", state="attached")
    assert page.locator("#id_street option").first.inner_text() == "不清楚"
    assert_reflows(page)
    screenshot(page, "31-submit-district-only-320px")
    page.click("button[name=_next]")
    assert page.locator("[data-place-incomplete]").is_visible()
    page.fill("#id_description", "小区电梯停运三天了。")
    page.fill("#id_contact_phone", "13700001111")
    page.check("#id_consent")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    ticket = Ticket.objects.get()
    assert ticket.region == tree["chaoyang"] and ticket.street is None
    assert ticket.suggested_unit == units["district"]


def test_the_place_search_works_without_javascript(browse, tree):
    page = browse(java_script_enabled=False)
    page.goto("/submit/")
    page.fill("#id_place_query", "胜古")
    page.click("button[name=_find_place]")
    page.click("button[name=_pick_place][value='110105019001']")
    assert page.input_value("#id_district") == "110105"
    assert page.input_value("#id_street") == "110105019"
    assert page.input_value("#id_community") == "110105019001"
    screenshot(page, "32-submit-place-search-no-javascript")


def test_step_two_lists_every_error_at_once_at_320px(browse, tree):
    page = browse(viewport={"width": 320, "height": 640}, device_scale_factor=1)
    step_one(page)
    choose(page, "#id_district", "110105")
    page.click("button[name=_next]")
    page.click("button[name=_submit]")  # nothing filled in, no consent
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    links = [link.get_attribute("href") for link in summary.locator("a").all()]
    assert {"#id_description", "#id_contact_phone", "#id_consent"} <= set(links)
    assert "请填写承办单位能联系到您的电话号码" in summary.inner_text()
    assert_reflows(page)
    screenshot(page, "33-submit-all-errors-320px")


@pytest.fixture
def privacy_category(category, units):
    top = CategoryFactory(code="gov", name="政务服务", level=1, urgency=None)
    middle = CategoryFactory(code="gov.affairs", name="政务服务", level=2, parent=top, urgency=None)
    leaf = CategoryFactory(
        code="gov.affairs.privacy", name="个人信息查阅、更正与删除", level=3, parent=middle,
        urgency=category.urgency,
    )  # fmt: skip
    DispatchRule.objects.create(category=leaf, unit=units["bureau"])
    return leaf


def test_the_privacy_notice_and_a_request_about_ones_data(browse, city, privacy_category):
    page = browse()
    page.goto("/privacy/")
    assert "北京市12345市民服务热线中心" in page.locator("[data-handler]").inner_text()
    assert "3 年" in page.locator("[data-retention]").inner_text()
    assert_reflows(page)
    screenshot(page, "34-privacy-notice")
    page.click("a[href='/privacy/request/']")
    page.check("input[name=request][value=delete]")
    page.fill("#id_details", "问题已解决，请删除我留下的姓名和电话。")
    page.fill("#id_contact_name", "李雪贞")
    page.fill("#id_contact_phone", "13812345678")
    page.select_option("#id_district", "110105")
    assert_reflows(page)
    screenshot(page, "35-privacy-request")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    ticket = Ticket.objects.get()
    assert ticket.category == privacy_category and ticket.description.startswith(
        "个人信息请求：删除"
    )


def test_the_form_in_english_names_categories_and_places_in_english(browse, tree):
    Category.objects.filter(code="housing").update(name_en="Housing")
    Category.objects.filter(code="housing.property").update(name_en="Property management")
    Category.objects.filter(code="housing.property.lift").update(name_en="Lift out of order")
    Region.objects.filter(code="110105").update(name_en="Chaoyang District")
    Region.objects.filter(code="110105019").update(name_en="Hepingjie Subdistrict")
    Department.objects.filter(code="st-110105019").update(name_en="Hepingjie Subdistrict Office")
    page = browse(locale="en-GB")
    step_one(page)
    choose(page, "#id_district", "110105")
    page.wait_for_selector("#id_street option[value='110105019']", state="attached")
    assert page.locator("#id_category_1 option[value=housing]").inner_text() == "Housing"
    assert page.locator("#id_street option[value='110105019']").inner_text() == (
        "Hepingjie Subdistrict"
    )
    assert page.locator("#id_street option").first.inner_text() == "I don't know"
    assert_reflows(page)
    screenshot(page, "36-submit-in-english")
