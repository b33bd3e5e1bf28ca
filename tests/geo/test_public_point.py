"""Public surfaces place a ticket at its community's centre, never at the resident's point
(tickets.publication.point): the open-data files, and (tests/tickets/open311/test_placement.py)
Open311. The pages that show the point show it only to the resident and to staff."""

import pytest
from django.urls import reverse

from analytics import refresh
from tests.geo.shapes import draw
from tests.portal.test_track import look_up

pytestmark = pytest.mark.django_db

PRIVATE = ("39.951234", "116.401234")


@pytest.fixture
def pinned(city, submit):
    outlines = draw(city)
    ticket = submit(latitude=PRIVATE[0], longitude=PRIVATE[1])
    return ticket, outlines


def test_open_data_rows_stand_at_the_places_centre(client, pinned):
    _ticket, outlines = pinned
    refresh.rebuild(refresh.ticket_days())
    month = f"{refresh.this_month():%Y-%m}"
    (row,) = client.get(f"/stats/open-data/intake-{month}.json").json()["rows"]
    centre = outlines["shenggunan"].centroid
    assert (row["lat"], row["lon"]) == (pytest.approx(centre.y), pytest.approx(centre.x))
    csv = client.get(f"/stats/open-data/intake-{month}.csv").content.decode()
    assert "lat,lon" in csv.splitlines()[0]
    for text in (csv, str(row)):
        assert PRIVATE[0][:7] not in text and PRIVATE[1][:8] not in text


def test_the_resident_sees_their_own_point_on_the_tracking_page(client, pinned):
    ticket, _outlines = pinned
    look_up(client, ticket.number, ticket.access_code)
    page = client.get(f"/track/{ticket.number}/").content.decode()
    assert 'data-map="show"' in page
    assert "116.401234" in page and "39.951234" in page  # their point, in the map's data
    assert '"code": "110105019001"' in page  # and the community's outline


def test_staff_see_the_point_and_the_outline_on_the_ticket_page(client, pinned, staff):
    ticket, _outlines = pinned
    client.force_login(staff["dispatcher"])
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert 'data-map="show"' in page and "116.401234" in page
    assert '"code": "110105019001"' in page


def test_the_hotspot_map_shades_communities_by_their_tickets(client, pinned, staff, submit):
    for _ in range(3):
        submit()
    refresh.rebuild(refresh.ticket_days())
    client.force_login(staff["supervisor"])
    page = client.get(reverse("admin:analytics_hotspots"), {"window": "7"}).content.decode()
    assert 'data-map="hotspots"' in page
    assert '"count": 4' in page and '"code": "110105019001"' in page
    assert PRIVATE[1] not in page  # counts per community, no ticket's point
