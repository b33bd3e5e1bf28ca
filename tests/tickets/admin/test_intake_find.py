"""The desk's search for categories and places (`intake/find/`, staff who take calls): by name,
any word of the path, pinyin initials and full pinyin; only what a ticket may be filed under
(active leaves, places from the district down); the places an address names; bad input."""

import pytest
from django.urls import reverse

from departments.models import Region
from departments.place_finder import place_search, places_in, short_name
from portal.choices import find_places
from tickets.category_finder import category_search
from tickets.models import Category

from ...factories import CategoryFactory, RegionFactory

pytestmark = pytest.mark.django_db

URL = "/admin/tickets/ticket/intake/find/"


@pytest.fixture
def find(client, staff, taxonomy):
    client.force_login(staff["operator"])

    def ask(what, q):
        response = client.get(URL, {"what": what, "q": q})
        assert response.status_code == 200
        return response.json()["results"]

    return ask


def test_the_url_is_the_documented_one():
    assert reverse("admin:tickets_ticket_intake_find") == URL


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("nq", "heating.service.leak"),  # 暖气漏水 and 暖气不热, in the taxonomy's order
        ("nqls", "heating.service.leak"),
        ("nuanqilou", "heating.service.leak"),
        ("漏水", "heating.service.leak"),
        ("dtgz", "housing.property.elevator"),
        ("困人", "housing.property.elevator"),  # a keyword
        ("lph", "housing.property.plate"),  # 楼牌号缺失
    ],
)
def test_categories_are_found_by_name_keyword_and_pinyin(find, q, code):
    assert find("category", q)[0]["value"] == code


def test_nq_finds_both_radiator_categories_and_says_where_they_are(find):
    found = find("category", "nq")
    assert {r["value"] for r in found} == {"heating.service.radiator", "heating.service.leak"}
    assert found[0]["context"] == "供暖 › 供暖服务"
    assert found[0]["path"] == "供暖 › 供暖服务 › " + found[0]["label"]


def test_a_word_of_the_path_lists_the_leaves_under_it(find):
    assert {r["value"] for r in find("category", "物业管理")} == {
        "housing.property.plate",
        "housing.property.elevator",
    }
    assert {r["value"] for r in find("category", "gn")} == {
        "heating.service.radiator",
        "heating.service.leak",
    }


def test_only_active_leaves_are_offered(find, taxonomy):
    assert find("category", "供暖服务")  # the level-2 node itself is never a result
    assert all(r["value"].count(".") == 2 for r in find("category", "供暖"))
    Category.objects.filter(pk=taxonomy["leak"].pk).update(is_active=False)
    from tickets import lookups

    lookups.clear()  # what saving it in the admin does
    assert "heating.service.leak" not in {r["value"] for r in find("category", "漏水")}


def test_a_category_added_is_found_at_once(find, taxonomy):
    CategoryFactory(code="heating.service.noise", name="暖气异响", parent=taxonomy["leak"].parent)
    assert find("category", "nqyx")[0]["value"] == "heating.service.noise"


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("和平街", "110105019"),
        ("hpj", "110105019"),
        ("hepingjie", "110105019"),
        ("sgn", "110105019001"),
        ("cy", "110105"),
        ("朝阳", "110105"),
    ],
)
def test_places_are_found_by_name_and_pinyin(find, q, code):
    assert find("place", q)[0]["value"] == code


def test_a_place_is_found_by_the_names_above_it(find, city):
    assert [r["value"] for r in find("place", "和平街 胜古")] == ["110105019001"]
    found = [r["value"] for r in find("place", "和平街")]
    assert found[0] == "110105019" and "110105019001" in found
    result = find("place", "胜古南")[0]
    assert (result["label"], result["context"]) == ("胜古南社区", "和平街街道 · 朝阳区")
    assert result["path"] == "朝阳区和平街街道胜古南社区"


def test_the_city_is_never_a_place_to_choose(find, city):
    assert find("place", "北京") == []


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("朝阳区和平街胜古南里12号楼", "110105019001"),
        ("胜古南里12号楼", "110105019001"),
        ("和平街15区3号楼", "110105019"),
        ("朝阳区某小区", "110105"),
    ],
)
def test_an_address_names_its_place(find, city, address, code):
    assert find("address", address)[0]["value"] == code


def test_an_address_naming_no_place_finds_nothing(find, city):
    assert find("address", "火星基地1号") == []


def test_the_residents_place_search_is_the_same_one(city):
    assert [r.code for r in find_places("hpj")] == ["110105019"]
    assert [r.code for r in find_places("和平街15号楼")] == ["110105019"]  # an address
    # the residents' search does not look at the names above a place
    assert [r.code for r in place_search("和平街", paths=False)] == ["110105019"]


def test_a_renamed_place_is_found_by_its_new_name(city):
    assert places_in("安贞里") == [city["anzhen"]]
    Region.objects.filter(pk=city["anzhen"].pk).update(name="安定门街道")
    from tickets import lookups

    lookups.clear()
    assert places_in("安贞里") == []
    assert place_search("adm")[0].code == "110105003"


def test_short_names_drop_the_kind_of_place():
    assert short_name("和平街街道") == "和平街"
    assert short_name("胜古南社区") == "胜古南"
    assert short_name("朝阳区") == "朝阳"
    assert short_name("皮村") == ""  # one character would find it everywhere
    assert short_name("和平里") == ""


def test_communities_of_a_street_named_in_the_address_rank_by_their_lineage(city):
    RegionFactory(
        code="110105003009", name="和平社区", level=Region.Level.COMMUNITY, parent=city["anzhen"]
    )
    # "和平" of 和平社区 (安贞) is in the text, but 和平街 and 胜古南 name the lineage of 胜古南
    found = [r.code for r in places_in("和平街胜古南里")]
    assert found[0] == "110105019001"


def test_the_category_search_is_used_without_a_request(taxonomy):
    assert [c.code for c in category_search("nqls")] == ["heating.service.leak"]


@pytest.mark.parametrize("params", [{}, {"what": "ticket", "q": "x"}])
def test_an_unknown_kind_of_search_is_a_400(client, staff, params):
    client.force_login(staff["dispatcher"])
    response = client.get(URL, params)
    assert response.status_code == 400 and "what=" in response.json()["error"]


@pytest.mark.parametrize("q", ["", " ", "\x00", "x" * 5000, "%", "' OR 1=1 --"])
def test_odd_queries_find_nothing_and_break_nothing(find, city, q):
    assert find("category", q) == [] and find("place", q) == []


def test_the_search_costs_no_query_once_the_index_is_built(
    find, city, django_assert_max_num_queries
):
    find("category", "nq")
    find("place", "hpj")
    with django_assert_max_num_queries(6):  # session, user, memberships; the rows found
        find("category", "nuanqi")
