"""A resident on a phone: reports a missing building number in Chinese with a photo, tracks it,
rates the reply "not solved", asks for reopening, and switches to English. Screenshots of every
page are saved under tests/artifacts/."""

import re

import pytest

from tickets import services
from tickets.models import Attachment, Ticket

from ...conftest import image_bytes
from .conftest import assert_reflows, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, select, value):
    """Pick `value` once the script has put it in the list."""
    page.wait_for_selector(f"{select} option[value='{value}']", state="attached")
    page.select_option(select, value)


def test_report_track_rate_and_reopen_on_a_phone(browse, tree, staff, units, lifecycle, tmp_path):
    page = browse()
    already = lifecycle("dispatched")  # someone reported it before: shown as "already reported?"
    picture = tmp_path / "楼牌.jpg"
    picture.write_bytes(image_bytes("JPEG", size=(640, 480), exif_gps=True))

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_text("12345市民服务热线").first.is_visible()
    assert_reflows(page)
    screenshot(page, "01-home")

    page.locator("main a[href='/submit/']").click()
    page.check("input[name=kind][value=complaint]")
    choose(page, "#id_category_1", "housing")
    choose(page, "#id_category_2", "housing.property")
    choose(page, "#id_category", "housing.property.plate")
    choose(page, "#id_district", "110105")
    choose(page, "#id_street", "110105019")
    choose(page, "#id_community", "110105019001")
    assert_reflows(page)
    screenshot(page, "02-submit-what-and-where")
    page.click("button[name=_next]")

    similar = page.locator(".similar-list")
    assert already.number in similar.inner_text()
    page.fill("#id_description", "胜古南里12号楼没有楼牌，外卖和快递都找不到，请尽快安装。")
    page.fill("#id_address", "胜古南里12号楼")
    page.set_input_files("#id_photos", str(picture))
    page.fill("#id_contact_name", "王小明")
    page.fill("#id_contact_phone", "13912345678")
    page.check("#id_consent")
    assert_reflows(page)
    screenshot(page, "03-submit-details")
    page.click("button[name=_submit]")

    page.wait_for_url("**/submit/done/")
    number = page.locator("[data-ticket-number]").inner_text().strip()
    code = page.locator("[data-access-code]").inner_text().strip()
    assert re.fullmatch(r"\d{14}", number) and re.fullmatch(r"[2-9A-Z]{8}", code)
    assert "139****5678" in page.content()
    assert_reflows(page)
    screenshot(page, "04-confirmation")
    ticket = Ticket.objects.get(number=number)
    assert ticket.kind == "complaint" and ticket.description.startswith("胜古南里12号楼")
    assert Attachment.objects.filter(ticket=ticket).count() == 1

    # Later, on another phone: look it up with the number and the access code.
    page = browse()
    page.goto("/track/")
    page.fill("#id_number", number)
    page.fill("#id_secret", code)
    page.click("main button")
    page.wait_for_url(f"**/track/{number}/")
    assert page.locator("[data-status]").inner_text() == "待受理"
    assert "139****5678" in page.content() and "王小明" not in page.content()
    # Their own report, with the photo through the session's scoped view; a neutral first
    # deadline while nobody has accepted it yet (issue 15 item 4).
    assert page.locator("[data-description]").inner_text().startswith("胜古南里12号楼没有楼牌")
    page.locator("[data-photos] img").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-photos] img');"
        " return i && i.complete && i.naturalWidth === 640; }"
    )
    assert page.locator(".deadline-label").first.inner_text() == "热线受理"
    assert_reflows(page)
    screenshot(page, "05-track-submitted")

    # The hotline and the street office work on it (through the services, as staff would).
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"])
    services.ticket_sign_and_contact(ticket_id=ticket.pk, actor=staff["handler"], method="phone")
    services.ticket_reply(
        ticket_id=ticket.pk, actor=staff["handler"], text="已联系物业，本周内安装楼牌。"
    )

    page.reload()
    assert page.locator("[data-status]").inner_text() == "已答复"
    assert page.locator("[data-lead-unit]").inner_text() == "和平街街道办事处"
    assert "已联系物业，本周内安装楼牌。" in page.content()
    assert_reflows(page)
    screenshot(page, "06-track-replied-rate")

    page.check("input[name=contacted][value=yes]")
    page.check("input[name=solved][value=no]")
    page.check("input[name=satisfaction][value=unsatisfied]")
    page.fill("#id_comment", "楼牌还没装。")
    page.click(".rate button")
    page.wait_for_selector(".reopen")
    screenshot(page, "07-track-not-solved")
    page.fill("#id_reason", "一周过去了，12号楼还是没有楼牌。")
    page.click(".reopen button")
    page.wait_for_selector("[data-reopen-requested]")
    assert "一周过去了，12号楼还是没有楼牌。" in page.content()
    assert_reflows(page)
    screenshot(page, "08-track-reopen-requested")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.reopen_requested_at is not None

    page.click("form.language button")
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith(f"/track/{number}/")
    assert page.locator("[data-status]").inner_text() == "Closed"
    assert page.get_by_role("heading", name=f"Ticket {number}").is_visible()
    screenshot(page, "09-track-in-english")


def test_the_form_works_without_javascript(browse, tree):
    page = browse(java_script_enabled=False)
    page.goto("/submit/")
    page.check("input[name=kind][value=help]")
    page.select_option("#id_category_1", "housing")
    page.click("button[name=_refresh][value=category_1]")
    page.select_option("#id_category_2", "housing.property")
    page.click("button[name=_refresh][value=category_2]")
    page.select_option("#id_category", "housing.property.lift")
    page.select_option("#id_district", "110105")
    page.click("button[name=_refresh][value=district]")
    page.select_option("#id_street", "110105003")
    page.click("button[name=_refresh][value=street]")
    page.select_option("#id_community", "110105003001")
    assert page.input_value("#id_category") == "housing.property.lift"  # kept across reloads
    screenshot(page, "10-no-javascript-what-and-where")
    page.click("button[name=_next]")
    page.fill("#id_description", "电梯停运三天了。")
    page.fill("#id_contact_phone", "13700001111")
    page.check("#id_consent")
    page.click("button[name=_submit]")
    page.wait_for_url("**/submit/done/")
    ticket = Ticket.objects.get()
    assert ticket.category == tree["lift"] and ticket.community == tree["anhuali"]


def test_errors_are_summarised_and_focused_and_the_page_reflows_at_320px(browse, tree):
    page = browse(viewport={"width": 320, "height": 640}, device_scale_factor=1)
    for url in ("/", "/submit/", "/track/", "/privacy/"):
        page.goto(url)
        assert_reflows(page)
    page.goto("/submit/")
    page.click("button[name=_next]")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    summary.locator("a").first.click()  # a link moves to its field
    assert page.evaluate("document.activeElement.id") == "id_kind_0"
    assert_reflows(page)
    screenshot(page, "11-errors-at-320px")
