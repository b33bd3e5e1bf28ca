"""Every public page fits a 320 px and a 390 px phone in Chinese and in English (WCAG 1.4.10
reflow), /stats/ included: its street ranking becomes one card per street, and a street's name
is not broken into lines of two characters. Screenshots go to tests/artifacts/."""

import pytest

from analytics import refresh
from departments.models import Department, Region
from tickets import services

from .conftest import assert_reflows, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390)
LANGUAGES = {"zh": "zh-CN", "en": "en-GB"}
PAGES = ["/", "/submit/", "/track/", "/privacy/", "/privacy/request/", "/stats/"]


@pytest.fixture
def statistics(tree, units, staff, lifecycle):
    """Callbacks for two streets this month, English names for the places and units, and the
    summaries built: /stats/ has a category table, a district table and a ranking to show."""
    Region.objects.filter(code="110105").update(name_en="Chaoyang District")
    Department.objects.filter(pk=units["street"].pk).update(name_en="Hepingjie Subdistrict Office")
    Department.objects.filter(pk=units["other_street"].pk).update(
        name_en="Anzhen Subdistrict Office"
    )
    for _ in range(3):
        lifecycle("closed")
    for satisfaction in ("satisfied", "basically"):
        ticket = lifecycle("accepted", region=tree["anzhen"])
        services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["other_street"]
        )
        services.ticket_sign_and_contact(
            ticket_id=ticket.pk, actor=staff["other_handler"], method="phone"
        )
        services.ticket_reply(ticket_id=ticket.pk, actor=staff["other_handler"], text="已处理。")
        services.ticket_record_callback(
            ticket_id=ticket.pk,
            actor=staff["callback"],
            contacted=True,
            solved=True,
            satisfaction=satisfaction,
        )
    refresh.rebuild(refresh.ticket_days(), complete=True)
    return f"/stats/?month={refresh.this_month():%Y-%m}"


def lines_of(page, selector) -> list[int]:
    """How many lines the text of each element matching `selector` takes."""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        })""",
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_reflow_on_small_phones_in_both_languages(browse, statistics, width, language):
    page = browse(
        viewport={"width": width, "height": 720},
        device_scale_factor=1,
        locale=LANGUAGES[language],
    )
    for url in [*PAGES, statistics]:
        page.goto(url)
        assert_reflows(page)
    page.goto(statistics)
    cards = page.locator("[data-ranking] tbody tr")
    assert cards.count() == 2
    assert page.locator("[data-ranking] thead").bounding_box()["height"] <= 1  # headers hidden
    # each card labels its figures and names its street on one line (two for long English names)
    assert cards.first.locator(".cell-label").first.is_visible()
    limit = 1 if language == "zh" else 2
    assert all(lines <= limit for lines in lines_of(page, "[data-ranking] th.unit"))
    expected = "和平街街道办事处" if language == "zh" else "Hepingjie Subdistrict Office"
    assert expected in page.locator("[data-ranking]").inner_text()
    screenshot(page, f"20-stats-{language}-{width}px")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ranking_is_a_table_that_fits_a_wide_screen(browse, statistics, language):
    page = browse(
        viewport={"width": 1024, "height": 800}, is_mobile=False, locale=LANGUAGES[language]
    )
    page.goto(statistics)
    assert_reflows(page)
    assert page.locator("[data-ranking] thead").is_visible()
    assert (
        page.eval_on_selector("[data-ranking] tbody tr", "el => getComputedStyle(el).display")
        == "table-row"
    )
    table, main = (page.locator(s).bounding_box() for s in ("[data-ranking]", "main"))
    assert table["x"] + table["width"] <= main["x"] + main["width"]  # within the column
    screenshot(page, f"21-stats-{language}-desktop")
    limit = 1 if language == "zh" else 2
    assert all(lines <= limit for lines in lines_of(page, "[data-ranking] th.unit"))
