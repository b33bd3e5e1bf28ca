"""The staff's maps on the demo city in Chromium: a ticket's point with its community's outline,
and the analysts' hotspot map. Screenshots: tests/artifacts/staff-map-*.png."""

import pytest
from django.core.management import call_command

from analytics import refresh
from tickets.models import Ticket

from .conftest import screenshot
from .test_staff_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(urgency):
    call_command("load_demo_city", tickets=400, days=30, seed=17, quiet_logins=True, verbosity=0)
    refresh.rebuild(refresh.ticket_days())


def map_errors(violations):
    return [v for v in violations if "leaflet" in v[1].lower() or "/maps/" in v[1]]


def test_the_ticket_page_shows_the_point_and_the_communitys_outline(staff_page, demo):
    page, violations = staff_page
    ticket = Ticket.objects.filter(latitude__isnull=False, community__isnull=False).first()
    sign_in(page, "dispatcher")
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    page.wait_for_selector("#place-map[data-map-ready]")
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1
    assert page.locator("#place-map path").count() == 1
    assert f"{ticket.latitude}" in page.locator("#map-h + p").inner_text()
    screenshot(page, "staff-map-ticket")
    assert map_errors(violations) == []


def test_analysts_see_communities_shaded_by_their_tickets(staff_page, demo):
    page, violations = staff_page
    sign_in(page, "analyst")
    page.goto("/admin/analytics/hotspots/?window=30")
    page.wait_for_selector("#analytics-map[data-map-ready]")
    shaded = page.locator("#analytics-map path").count()
    assert shaded > 50  # most of the demo's 287 communities had tickets in 30 days
    assert page.locator(".map-legend li").count() >= 3
    screenshot(page, "staff-map-hotspots")
    assert map_errors(violations) == []
