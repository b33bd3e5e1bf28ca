"""The place on the submission form: the district is enough ("I don't know" the street or the
community), the operator completes it at acceptance, the dispatch catalogue falls back to the
district, and the place can be found by typing its name (JSON for the script, a re-rendered page
without it)."""

import pytest
from django.urls import reverse

from departments.catalogue import suggest_lead_unit
from departments.models import DispatchRule, Region
from tickets import services
from tickets.models import Ticket

from .conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return english_client()


def test_street_and_community_offer_i_dont_know_and_only_the_district_is_required(client, tree):
    page = client.post("/submit/", {"step": "1", "_next": "1", "district": "110105"}).text
    assert '<a href="#id_district">' not in page  # the district was given
    assert '<option value="" selected>I don&#x27;t know</option>' in page
    assert "Choose the street or township." not in page


def test_a_demand_located_by_its_district_alone_is_stored_there(client, tree, units, final_post):
    response = client.post("/submit/", final_post(street="", community=""))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.region == tree["chaoyang"] and ticket.district == tree["chaoyang"]
    assert ticket.street is None and ticket.community is None
    # no street office covers a whole district: the catalogue falls back to its government
    assert ticket.suggested_unit == units["district"]


def test_step_two_says_the_hotline_completes_an_unknown_street(client, tree, where):
    page = client.post("/submit/", {**where, "street": "", "community": "", "step": "1"}).text
    assert 'name="step" value="2"' in page
    assert "data-place-incomplete" in page and "The hotline completes the street" in page
    page = client.post("/submit/", {**where, "step": "1"}).text
    assert "data-place-incomplete" not in page


def test_catalogue_rule_for_street_offices_falls_back_to_the_district_government(tree, units):
    DispatchRule.objects.create(category=tree["plate"], unit_kind="street_office")
    assert suggest_lead_unit(tree["plate"], tree["chaoyang"]) == units["district"]
    assert suggest_lead_unit(tree["plate"], tree["hepingjie"]) == units["street"]


def test_operator_completes_the_place_at_acceptance_and_the_suggestion_follows(
    tree, units, staff, submit
):
    DispatchRule.objects.create(category=tree["plate"], unit_kind="street_office")
    ticket = submit(region=tree["chaoyang"])
    assert ticket.suggested_unit == units["district"]
    ticket = services.ticket_accept(
        ticket_id=ticket.pk, actor=staff["operator"], region=tree["shenggunan"]
    )
    assert (ticket.district, ticket.street, ticket.community) == (
        tree["chaoyang"],
        tree["hepingjie"],
        tree["shenggunan"],
    )
    assert ticket.suggested_unit == units["street"]


def test_the_accept_form_asks_the_operator_to_complete_a_coarse_place(client, tree, staff, submit):
    ticket = submit(region=tree["hepingjie"])
    client.force_login(staff["operator"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "accept"])
    page = client.get(url).text
    assert "The resident gave only" in page and "和平街街道" in page
    response = client.post(
        url,
        {
            "kind": ticket.kind,
            "category": ticket.category_id,
            "urgency": ticket.urgency_id,
            "region": tree["shenggunan"].pk,
            "note": "",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "accepted" and ticket.community == tree["shenggunan"]


def test_places_are_found_by_part_of_their_chinese_or_english_name(client, tree):
    found = client.get("/submit/options/places/", {"q": "胜古"}).json()["options"]
    assert found == [
        {
            "value": "110105019001",
            "label": "胜古南社区",
            "context": "和平街街道 · 朝阳区",
            "codes": ["110105", "110105019", "110105019001"],
        }
    ]
    Region.objects.filter(code="110105019").update(name_en="Hepingjie Subdistrict")
    found = client.get("/submit/options/places/", {"q": "hepingjie"}).json()["options"]
    assert [option["value"] for option in found] == ["110105019"]
    assert found[0]["label"] == "Hepingjie Subdistrict"  # English asked, English shown
    assert client.get("/submit/options/places/", {"q": " "}).json() == {"options": []}


def test_names_that_start_with_the_words_come_first(client, tree):
    found = client.get("/submit/options/places/", {"q": "安"}).json()["options"]
    assert [option["label"] for option in found] == ["安贞街道", "安华里社区"]


def test_the_search_without_javascript_lists_places_and_a_choice_fills_the_lists(
    client, tree, details
):
    page = client.post(
        "/submit/", {"step": "1", "kind": "help", "place_query": "安华", "_find_place": "1"}
    ).text
    assert 'name="_pick_place" value="110105003001"' in page
    assert "安贞街道 · 朝阳区" in page
    assert "error-summary" not in page
    page = client.post(
        "/submit/",
        {
            "step": "1",
            "kind": "help",
            "place_query": "安华",
            "_pick_place": "110105003001",
            **details,
        },
    ).text
    assert '<option value="110105" selected>朝阳区</option>' in page
    assert '<option value="110105003" selected>安贞街道</option>' in page
    assert '<option value="110105003001" selected>安华里社区</option>' in page
    assert 'value="help" id="id_kind_1" required checked' in page  # the rest is kept
    assert 'name="description" value="胜古南里12号楼楼牌缺失' in page


def test_a_search_without_matches_says_so(client, tree):
    page = client.post("/submit/", {"step": "1", "place_query": "火星", "_find_place": "1"}).text
    assert "No place has this name" in page
    assert "_pick_place" not in page


def test_an_unknown_place_code_changes_nothing(client, tree, where):
    page = client.post("/submit/", {**where, "step": "1", "_pick_place": "999"}).text
    assert '<option value="110105019001" selected>胜古南社区</option>' in page
