"""The residents' maps in Chromium on a phone: a pin or the resident's location fills the place
lists and the map point; the form without JavaScript; the tracking page's map. The boundaries
are tests/geo/shapes.py's boxes; the map starts over 胜古南社区 (PORTAL_MAP centre), on the
local tile (nothing is fetched from elsewhere). Screenshots go to tests/artifacts/."""

import pytest

from tests.geo.shapes import draw
from tickets.models import Ticket

from .conftest import assert_reflows, screenshot
from .test_resident_ux import step_one

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped(tree, settings):
    settings.PORTAL_MAP = {**settings.PORTAL_MAP, "centre": [39.96, 116.42, 14]}
    draw(tree)
    return tree


def click_map(page, *, dx=0.5, dy=0.5):
    page.wait_for_selector("#place-map[data-map-ready]")
    page.locator("#place-map").scroll_into_view_if_needed()
    box = page.locator("#place-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)


def test_a_pin_on_the_map_fills_the_place_lists_and_the_map_point(browse, mapped):
    from playwright.sync_api import expect

    page = browse()
    step_one(page)
    click_map(page)
    expect(page.locator("#id_community")).to_have_value("110105019001")
    assert page.input_value("#id_district") == "110105"
    assert page.input_value("#id_street") == "110105019"
    assert "胜古南社区" in page.locator("[data-map-status]").inner_text()
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1
    assert page.locator("#place-map path.leaflet-interactive").count() >= 1  # outlines drawn
    assert_reflows(page)
    screenshot(page, "40-submit-map-pin")
    latitude = float(page.input_value("input[name=latitude]"))
    assert 39.95 < latitude < 39.975
    page.click("button[name=_next]")
    assert "胜古南社区" in page.locator(".choice-summary").inner_text()
    assert page.input_value("#id_latitude") == f"{latitude:.6f}"
    page.fill("#id_description", "楼牌号缺失，外卖找不到。")
    page.fill("#id_contact_phone", "13700001111")
    page.check("#id_consent")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    ticket = Ticket.objects.get()
    assert ticket.community == mapped["shenggunan"]
    assert float(ticket.latitude) == pytest.approx(latitude)


def test_a_pin_outside_every_boundary_says_so_and_leaves_the_lists(browse, mapped, settings):
    from playwright.sync_api import expect

    settings.PORTAL_MAP = {**settings.PORTAL_MAP, "centre": [39.94, 116.42, 14]}  # south of all
    page = browse()
    step_one(page)
    click_map(page)
    expect(page.locator("[data-map-status]")).to_contain_text("列表")
    assert page.input_value("#id_district") == ""
    screenshot(page, "41-submit-map-outside")


def test_my_location_fills_the_place_lists(browse, mapped):
    from playwright.sync_api import expect

    page = browse(geolocation={"latitude": 39.99, "longitude": 116.47}, permissions=["geolocation"])
    step_one(page)
    page.wait_for_selector("#place-map[data-map-ready]")
    page.click("[data-map-locate]")
    expect(page.locator("#id_community")).to_have_value("110105003001")
    assert page.input_value("#id_street") == "110105003"
    assert page.input_value("input[name=latitude]") == "39.990000"
    screenshot(page, "42-submit-map-my-location")


def test_without_javascript_the_map_is_hidden_and_the_lists_work(browse, mapped, units):
    page = browse(java_script_enabled=False)
    page.goto("/submit/")
    assert not page.locator("[data-place-map]").is_visible()
    assert page.locator("#id_district").is_visible()
    page.check("input[name=kind][value=complaint]")
    page.select_option("#id_category_1", "housing")
    page.click("button[name=_refresh][value=category_1]")
    page.select_option("#id_category_2", "housing.property")
    page.click("button[name=_refresh][value=category_2]")
    page.select_option("#id_category", "housing.property.plate")
    page.select_option("#id_district", "110105")
    page.click("button[name=_next]")
    page.fill("#id_description", "楼牌号缺失。")
    page.fill("#id_latitude", "39.960000")
    page.fill("#id_longitude", "116.420000")
    page.fill("#id_contact_phone", "13700001111")
    page.check("#id_consent")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    ticket = Ticket.objects.get()
    assert ticket.region == mapped["chaoyang"]  # what the resident chose, the point kept too
    assert str(ticket.latitude) == "39.960000"
    screenshot(page, "43-submitted-without-javascript")


def test_the_tracking_page_shows_the_place_and_the_residents_point(browse, mapped, submit):
    ticket = submit(latitude="39.960000", longitude="116.420000")
    page = browse()
    page.goto(f"/track/?number={ticket.number}&code={ticket.access_code}")
    page.wait_for_selector("#place-map[data-map-ready]")
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1
    assert page.locator("#place-map path").count() == 1  # 胜古南社区's outline
    assert_reflows(page)
    screenshot(page, "44-track-map")


def test_the_map_shows_the_place_chosen_in_the_lists(browse, mapped):
    from .test_resident_journey import choose

    page = browse()
    step_one(page)
    page.wait_for_selector("#place-map[data-map-ready]")
    choose(page, "#id_district", "110105")
    choose(page, "#id_street", "110105003")
    page.wait_for_selector('#place-map path[stroke="#b3261e"]')  # 安贞街道, outlined in red


def test_without_javascript_the_tracking_page_has_no_empty_map(browse, mapped, submit):
    ticket = submit(latitude="39.960000", longitude="116.420000")
    page = browse(java_script_enabled=False)
    page.goto(f"/track/?number={ticket.number}&code={ticket.access_code}")
    assert page.locator("[data-description]").is_visible()
    assert not page.locator("[data-map-section]").is_visible()
