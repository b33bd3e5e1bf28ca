"""The call-taker's desk in Chromium on the demo city (issue 14 §3), driven as a call-taker
drives it, counting the interactions: keys that move the focus or choose something (Tab, Enter,
arrows, Alt + a key) and clicks. Typing text into the field that has the focus is not counted.

- A typical call, "楼道里暖气漏水了" from a known caller, recorded and dispatched: at most 8.
- A consultation answered from the knowledge base: at most 6.
- The same desk without JavaScript: the Suggest button, the category found by pinyin, the place
  found in the address, all rendered by the server.

Screenshots: tests/artifacts/desk-*.png."""

import pytest
from django.core.management import call_command

from departments.models import Department, Region
from knowledge.models import ArticleUse
from suggestions import registry
from suggestions.models import SuggestionRecord
from tickets import services
from tickets.models import Category, Ticket

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = "/admin/tickets/ticket/intake/"
KNOWN_CALLER = "13812345678"
ADDRESS = "胜古南里12号楼"


@pytest.fixture
def demo(urgency, settings):
    """The demo city with its knowledge base and a classifier trained on its history."""
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 0
    registry.forget()
    call_command("load_demo_city", tickets=400, days=30, seed=14, quiet_logins=True, verbosity=0)
    yield
    registry.forget()


@pytest.fixture
def known_caller(demo):
    """The caller rang last week about the same radiator, at the same address."""
    return services.ticket_submit(
        channel="web",
        kind="help",
        category=Category.objects.get(code="heating.service.leak"),
        region=Region.objects.get(name="胜古南社区"),
        description="家里暖气片接口滴水，地板湿了。",
        address=ADDRESS,
        contact_name="张桂兰",
        contact_phone=KNOWN_CALLER,
    )


def expect(locator):
    """Playwright's assertions (imported here: without playwright the module is still collected
    and its tests skipped, or failed under CI, by the `chromium` fixture). They poll in
    Playwright's own world, so they cause no Content-Security-Policy report, unlike
    `page.wait_for_function`."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


class CallTaker:
    """Works the desk with the keyboard (and the mouse where a call-taker would) and counts the
    interactions."""

    def __init__(self, page):
        self.page = page
        self.interactions: list[str] = []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.interactions.append(key)

    def click(self, locator) -> None:
        locator.click()
        self.interactions.append("click")

    def type(self, text: str) -> None:
        """Typing into the focused field: not an interaction."""
        self.page.keyboard.type(text)

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement.name || document.activeElement.id")


def sign_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-12345")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def ended(page):
    """The desk came back empty with the message of the ending (or with the refusal)."""
    page.locator(".messagelist, .errornote").first.wait_for()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, page.locator("#desk").inner_text()


def settled(page):
    """The desk's look-ups are done (the form is no longer aria-busy)."""
    expect(page.locator("#desk")).not_to_have_attribute("aria-busy", "true")


def value(page, name):
    return page.locator(f"#desk [name={name}]").first.input_value()


def test_a_typical_call_is_recorded_and_dispatched_in_at_most_8_interactions(
    staff_page, known_caller
):
    page, violations = staff_page
    sign_in(page, "dispatcher")
    page.goto(DESK)
    desk = CallTaker(page)
    assert desk.focused() == "contact_phone"

    desk.type(KNOWN_CALLER)  # the caller's earlier tickets appear beside the number
    history = page.locator("#caller-history-rows")
    history.get_by_text(known_caller.number).wait_for()
    page.locator("#caller-summary .recent").wait_for()
    expect(page.locator("#id_contact_name")).to_have_value("张桂兰")  # their name, known

    desk.press("Tab")
    assert desk.focused() == "description"
    desk.type("楼道里暖气漏水了")  # the suggestions follow the words
    first = page.locator("#category-suggestions .chip").first
    first.wait_for()
    assert first.get_attribute("value") == "heating.service.leak"
    assert "%" in first.inner_text()

    desk.press("Alt+Q")  # 求助, deliberately: nothing was chosen for the call-taker
    assert page.locator("input[name=kind][value=help]").is_checked()
    desk.press("Alt+G")  # the first suggested category
    assert value(page, "category") == "heating.service.leak"
    assert "水电气热" in page.locator("#id_urgency option").first.inner_text()
    assert page.locator("#id_urgency option[value=general]").is_disabled()  # never lowered
    page.locator("#caller-summary .repeat").wait_for()  # same category within 30 days

    desk.press("Alt+A")
    assert desk.focused() == "address"
    desk.type(ADDRESS)  # the place follows the address
    place = Region.objects.get(name="胜古南社区")
    expect(page.locator("#desk [name=region]")).to_have_value(place.code)
    heat = Department.objects.get(code="ut-heat")
    page.locator("#lead-name", has_text=heat.name).wait_for()
    expect(page.locator("#end-dispatch")).to_be_enabled()
    settled(page)
    screenshot(page, "desk-01-typical-call")

    desk.press("Alt+P")  # create and dispatch to the unit shown
    ended(page)
    ticket = Ticket.objects.exclude(pk=known_caller.pk).get(contact_phone=KNOWN_CALLER)
    assert ticket.number in page.locator(".messagelist").inner_text()
    assert desk.focused() == "contact_phone"  # ready for the next call
    screenshot(page, "desk-02-dispatched")

    assert (ticket.channel, ticket.status, ticket.kind) == ("phone", "dispatched", "help")
    assert (ticket.category.code, ticket.region, ticket.lead_unit) == (
        "heating.service.leak",
        place,
        heat,
    )
    assert (ticket.contact_name, ticket.address, ticket.urgency.code) == (
        "张桂兰",
        ADDRESS,
        "utilities",
    )
    record = SuggestionRecord.objects.get(ticket=ticket)
    assert record.rank == 1 and record.actor.username == "dispatcher"
    assert len(desk.interactions) <= 8, desk.interactions
    assert violations == [], "\n".join(v[1][:150] for v in violations)


def test_a_consultation_is_answered_from_the_knowledge_base_in_at_most_6_interactions(
    staff_page, demo
):
    page, violations = staff_page
    sign_in(page, "operator")
    page.goto(DESK)
    desk = CallTaker(page)
    assert page.locator("#end-dispatch").count() == 0  # operators do not dispatch

    desk.type("13900001111")
    page.locator("#caller-summary", has_text="没有").wait_for()
    desk.press("Tab")
    desk.type("孩子非京籍，今年上小学要准备哪些材料？")
    answer = page.locator("#article-rows button[name=answer_with]").first
    answer.wait_for()
    assert "非京籍" in page.locator("#article-rows li").first.inner_text()
    assert answer.is_disabled()  # the kind is not chosen yet

    desk.press("Alt+Z")  # 咨询
    assert answer.is_enabled()
    desk.press("Alt+G")
    category = Category.objects.get(code=value(page, "category"))
    assert category.path.startswith("教育")
    desk.press("Alt+A")
    desk.type("朝阳区安贞里")
    expect(page.locator("#desk [name=region]")).not_to_have_value("")
    settled(page)  # the articles for the category and place chosen
    title = page.locator("#article-rows li").first.locator("a").inner_text()
    screenshot(page, "desk-03-consultation")

    desk.press("Alt+H")  # answer with the first article that may be cited
    ended(page)
    ticket = Ticket.objects.get(contact_phone="13900001111")
    assert ticket.number in page.locator(".messagelist").inner_text()
    screenshot(page, "desk-04-answered")

    assert (ticket.status, ticket.outcome, ticket.kind) == ("closed", "answered", "consultation")
    answered = ticket.events.get(action="answer_directly")
    assert answered.data["article_title"] == title
    assert ArticleUse.objects.get(ticket=ticket).article.title == title
    assert region_of(ticket) == "安贞里社区"
    assert len(desk.interactions) <= 6, desk.interactions
    assert violations == [], "\n".join(v[1][:150] for v in violations)


def region_of(ticket) -> str:
    return Ticket.objects.select_related("region").get(pk=ticket.pk).region.name


def test_the_desk_works_without_javascript(chromium, browser_env, live_server, known_caller):
    context = chromium.new_context(
        viewport={"width": 1366, "height": 900},
        locale="zh-CN",
        java_script_enabled=False,
        base_url=live_server.url,
    )
    page = context.new_page()
    sign_in(page, "dispatcher")
    page.goto(DESK)
    page.fill("#id_contact_phone", KNOWN_CALLER)
    page.fill("#id_description", "楼道里暖气漏水了")
    page.press("#id_description", "Tab")
    page.click("button[name=suggest]")  # the server suggests
    assert known_caller.number in page.locator("#caller-history-rows").inner_text()
    assert page.input_value("#id_contact_name") == "张桂兰"
    chips = page.locator("#category-suggestions button[name=take_category]")
    assert chips.first.get_attribute("value") == "heating.service.leak"
    assert page.locator("#article-rows li").count() > 0
    screenshot(page, "desk-05-nojs-suggested")

    # the category by pinyin initials: Enter in a field sends the form to be searched
    page.fill("#id_category_query", "nqls")
    page.press("#id_category_query", "Enter")
    found = page.locator("#category-found button[name=take_category]")
    assert found.first.get_attribute("value") == "heating.service.leak"
    found.first.click()
    assert page.input_value("#desk [name=category]") == "heating.service.leak"
    # the kind, by its shortcut: without JavaScript it is the browser's own accesskey
    page.check("input[name=kind][value=help]")
    page.fill("#id_address", ADDRESS)
    page.click("button[name=suggest]")
    place = Region.objects.get(name="胜古南社区")
    assert page.input_value("#desk [name=region]") == place.code
    assert page.locator("#place-from-address").inner_text().strip()
    assert page.locator(".repeat").count() > 0  # same category, same address: a repeat
    assert page.input_value("#desk [name=lead]") == "ut-heat"
    screenshot(page, "desk-06-nojs-ready")

    page.click("#end-dispatch")
    ticket = Ticket.objects.exclude(pk=known_caller.pk).get(contact_phone=KNOWN_CALLER)
    assert ticket.number in page.locator(".messagelist").inner_text()
    assert (ticket.status, ticket.lead_unit.code, ticket.region) == ("dispatched", "ut-heat", place)
    assert SuggestionRecord.objects.filter(ticket=ticket).exists()
    screenshot(page, "desk-07-nojs-dispatched")
    context.close()
