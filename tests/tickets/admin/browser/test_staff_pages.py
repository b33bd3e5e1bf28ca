"""A dispatcher's day on the demo city in Chromium (issue 15): the ticket list, a ticket waiting
for an extension decision, the dispatch form's unit pickers, the dashboard and an analytics page.
Screenshots of each go to tests/artifacts/staff-*.png."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics import refresh
from tickets.models import Extension, Ticket

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(urgency):
    call_command("load_demo_city", tickets=600, days=30, seed=15, quiet_logins=True, verbosity=0)
    refresh.rebuild(refresh.ticket_days())


def sign_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-12345")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def chart(page, canvas_id):
    """The drawn chart's axes and legend, read from Chart.js itself."""
    page.wait_for_function(
        f"window.Chart && Chart.getChart(document.getElementById('{canvas_id}'))"
    )
    return page.evaluate(
        """id => {
        const chart = Chart.getChart(document.getElementById(id));
        const value = chart.options.indexAxis === "y" ? chart.scales.x : chart.scales.y;
        return {min: value.min, max: value.max, ticks: value.ticks.map(t => t.value),
                legend: chart.options.plugins.legend.display,
                datasets: chart.data.datasets.length, labels: chart.data.labels};
    }""",
        canvas_id,
    )


def test_a_dispatchers_pages(staff_page, demo):
    page, violations = staff_page
    sign_in(page, "dispatcher")
    queues = page.locator("#work-queues").inner_text()
    assert "待审批的延期申请" in queues
    screenshot(page, "staff-01-queues")

    # The list: compact filters, a deadline flag that means something, one line per short cell.
    page.goto("/admin/tickets/ticket/")
    rows = page.locator("#result_list tbody tr").count()
    soon = page.locator("#result_list .deadline.soon").count()
    assert rows == 50 and soon < rows / 2
    assert page.locator("#changelist-filter a[href*='unit=']").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the list is {height}px tall"
    status_cells = page.locator("#result_list td.field-status")
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 20")
    assert max(status_cells.evaluate_all("cells => cells.map(c => c.clientHeight)")) < 3 * line
    assert page.locator("#result_list img[src*='icon-no']").count() == 0
    screenshot(page, "staff-02-list")
    # Typing part of a unit's name in the lead-unit filter applies it.
    page.locator("form.select-filter .select2-selection").click()
    page.keyboard.type("和平街")
    page.locator(".select2-results__option", has_text="和平街街道办事处").first.click()
    page.wait_for_url("**unit=*")
    assert "和平街街道办事处" in page.locator("#result_list").inner_text()
    screenshot(page, "staff-02b-list-by-unit")

    # A ticket whose lead unit asked for more time.
    pending = Extension.objects.filter(decision="pending").select_related("ticket").first()
    page.goto(f"/admin/tickets/ticket/{pending.ticket_id}/change/")
    assert page.locator(".pending-extension").is_visible()
    assert page.locator(".ticket-actions a", has_text="审批延期").count() == 1
    screenshot(page, "staff-03-ticket-extension")
    page.locator(".ticket-actions a", has_text="审批延期").click()
    assert page.locator("input[name=decision][value=approve]").is_checked()
    assert page.locator("#id_reply_due_at").input_value() != ""
    screenshot(page, "staff-04-decide-extension")

    # Dispatching by typing part of the units' names.
    waiting = Ticket.objects.filter(status="accepted").first()
    page.goto(f"/admin/tickets/ticket/{waiting.pk}/act/dispatch/")
    page.locator(
        ".field-co_units .select2-selection, #id_co_units + .select2 .select2-selection"
    ).first.click()
    page.keyboard.type("水务")
    page.locator(".select2-results__option", has_text="北京市水务局").click()
    screenshot(page, "staff-05-dispatch")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/ticket/{waiting.pk}/change/")
    waiting.refresh_from_db()
    assert waiting.status == "dispatched"
    assert waiting.assignments.filter(role="co", unit__name="北京市水务局").exists()
    assert "建议承办单位" not in page.content()
    screenshot(page, "staff-06-ticket-dispatched")

    # The dashboard: axes from zero, whole-number counts, today marked as partial.
    page.goto("/admin/dashboard/")
    intake = chart(page, "chart-intake")
    assert intake["min"] == 0 and all(float(t).is_integer() for t in intake["ticks"])
    assert intake["labels"][-1].endswith("（截至目前）")
    overdue = chart(page, "chart-overdue")
    assert overdue["min"] == 0 and all(float(t).is_integer() for t in overdue["ticks"])
    card = int(page.locator(".dashboard-figures .figure").nth(2).locator("strong").inner_text())
    drawn = page.evaluate(
        "Chart.getChart(document.getElementById('chart-overdue')).data.datasets[0].data"
    )
    assert card == sum(drawn)
    screenshot(page, "staff-07-dashboard")

    # An analytics page: a unit's trend with a legend on a 0–100 % scale.
    page.goto(f"/admin/analytics/?month={timezone.localdate():%Y-%m}")
    assert chart(page, "analytics-chart")["max"] == 100
    screenshot(page, "staff-08-rankings")
    page.locator("#analytics-table a").first.click()
    trend = chart(page, "analytics-chart")
    assert trend["legend"] and trend["datasets"] == 4
    assert trend["min"] == 0 and trend["max"] == 100
    screenshot(page, "staff-09-unit-trend")
    page.goto("/admin/analytics/intake/?table=places")
    assert chart(page, "analytics-chart")["datasets"] >= 1
    screenshot(page, "staff-10-places")

    # Nothing the pages of this issue add needs an inline script or style.
    # (The ticket list's reports come from django-admin-rangefilter's date filter.)
    elsewhere = [v for v in violations if v[0].split("?")[0] != "/admin/tickets/ticket/"]
    assert elsewhere == []
