"""`POST /api/v1/intake/suggestions/` and the residents' `POST /api/v1/public/suggestions/`."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.tickets.api.problems import error_fields
from tickets import services
from tickets.models import Category, Ticket

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/suggestions/"
PUBLIC_URL = "/api/v1/public/suggestions/"


@pytest.fixture
def operator(as_staff):
    return as_staff("operator")


def _open_ticket(staff, taxonomy, region, text, *, phone="13900001111", category="radiator"):
    return services.ticket_create_from_call(
        actor=staff["operator"],
        kind="help",
        category=taxonomy[category],
        region=region,
        description=text,
        contact_phone=phone,
    )


def test_the_urls_are_the_documented_ones():
    assert reverse("intake-suggestions") == URL and reverse("public-suggestions") == PUBLIC_URL


def test_an_operator_gets_categories_unit_similar_tickets_and_the_caller(
    trained, operator, staff, taxonomy, city
):
    earlier = _open_ticket(staff, taxonomy, city["shenggunan"], "我家暖气片不热，上热下凉")
    response = operator.post(
        URL,
        {"description": "暖气片冰凉，一点都不热", "region": city["shenggunan"].code,
         "phone": "139 0000 1111"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"categories", "unit", "articles", "similar", "caller", "model", "token"}
    first = body["categories"][0]
    assert first["code"] == "heating.service.radiator"
    assert first["name"] == "暖气不热" and first["path"] == "供暖 › 供暖服务 › 暖气不热"
    assert len(body["categories"]) == 3
    scores = [c["score"] for c in body["categories"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    assert body["unit"] == {"code": "ut-heat", "name": "北京市热力集团有限责任公司"}
    assert body["articles"] == []  # no knowledge base in this branch
    assert [s["number"] for s in body["similar"]] == [earlier.number]
    assert body["similar"][0]["status"] == "accepted" and body["similar"][0]["similarity"] > 0.2
    assert body["caller"]["repeat"] is True
    assert body["caller"]["tickets"][0] == {
        "number": earlier.number,
        "status": "accepted",
        "submitted_at": body["caller"]["tickets"][0]["submitted_at"],
        "category": "heating.service.radiator",
        "repeat": True,
    }
    assert body["model"]["version"] == trained.pk and body["token"]


def test_the_unit_follows_the_catalogue_for_the_place(trained, operator, city, units):
    body = operator.post(
        URL, {"description": "楼号牌掉了，快递找不到楼", "region": city["shenggunan"].code}
    ).json()
    assert body["categories"][0]["code"] == "housing.property.plate"
    assert body["unit"] == {"code": units["street"].code, "name": units["street"].name}
    # Without a place the street office cannot be known:
    assert operator.post(URL, {"description": "楼号牌掉了"}).json()["unit"] is None


def test_a_category_the_operator_chose_drives_the_unit_and_repeats(
    trained, operator, staff, taxonomy, city
):
    _open_ticket(staff, taxonomy, city["shenggunan"], "电梯坏了", category="elevator")
    body = operator.post(
        URL,
        {"description": "暖气片不热", "category": "housing.property.elevator",
         "region": city["shenggunan"].code, "phone": "13900001111"},
    ).json()  # fmt: skip
    assert body["categories"][0]["code"] == "heating.service.radiator"  # still suggested
    assert body["unit"]["code"] == "st-110105019"  # the elevator's unit: the street office
    assert body["caller"]["repeat"] is True


def test_similar_tickets_are_open_nearby_and_alike(trained, operator, staff, taxonomy, city):
    here = _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热，摸着冰凉")
    closed = _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热，摸着冰凉")
    services.ticket_close_at_intake(
        ticket_id=closed.pk, actor=staff["operator"], outcome="invalid", note="重复来电"
    )
    elsewhere = _open_ticket(staff, taxonomy, city["anzhen"], "暖气片不热，摸着冰凉")
    _open_ticket(staff, taxonomy, city["shenggunan"], "完全不同的事情说的是别的")
    body = operator.post(
        URL, {"description": "暖气片不热 冰凉的", "region": city["hepingjie"].code}
    ).json()
    assert [s["number"] for s in body["similar"]] == [here.number]
    city_wide = operator.post(URL, {"description": "暖气片不热 冰凉的"}).json()
    assert {s["number"] for s in city_wide["similar"]} == {here.number, elsewhere.number}


def test_a_unit_sees_only_its_own_tickets_among_similar_ones_and_the_callers(
    trained, as_staff, staff, taxonomy, city, units
):
    mine = _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热，摸着冰凉")
    services.ticket_dispatch(ticket_id=mine.pk, actor=staff["dispatcher"], lead=units["street"])
    _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热，摸着冰凉")  # not ours
    body = as_staff("handler").post(
        URL,
        {"description": "暖气片不热冰凉", "region": city["shenggunan"].code,
         "phone": "13900001111"},
    ).json()  # fmt: skip
    assert [s["number"] for s in body["similar"]] == [mine.number]
    assert [t["number"] for t in body["caller"]["tickets"]] == [mine.number]
    other = (
        as_staff("other_handler")
        .post(URL, {"description": "暖气片不热冰凉", "phone": "13900001111"})
        .json()
    )
    assert other["similar"] == [] and other["caller"] == {"tickets": [], "repeat": False}


def test_a_session_works_like_a_token(trained, client, staff):
    client.force_login(staff["dispatcher"])
    response = client.post(URL, {"description": "暖气漏水"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["categories"][0]["code"] == "heating.service.leak"


def test_no_caller_without_a_phone_number(trained, operator):
    assert operator.post(URL, {"description": "电梯坏了", "phone": ""}).json()["caller"] is None


def test_before_the_first_training_there_are_no_categories_yet(taxonomy, operator):
    body = operator.post(URL, {"description": "暖气片不热"}).json()
    assert body["categories"] == [] and body["model"] is None and body["unit"] is None


def test_anonymous_callers_are_refused():
    assert APIClient().post(URL, {"description": "暖气"}, format="json").status_code == 401


def test_users_without_a_unit_and_api_clients_without_a_membership_are_refused(trained, as_client):
    http = APIClient()
    http.force_authenticate(UserFactory(username="nobody"))
    assert http.post(URL, {"description": "暖气"}, format="json").status_code == 403
    client_http, _client = as_client()
    assert client_http.post(URL, {"description": "暖气"}, format="json").status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "暖" * 4001}, "description"),
        ({"description": ["暖气"]}, "description"),
        ({"description": "暖气", "region": "999999"}, "region"),
        ({"description": "暖气", "region": "11 01"}, "region"),
        ({"description": "暖气", "phone": "12345"}, "phone"),
        ({"description": "暖气", "category": "no.such.code"}, "category"),
        ({"description": "暖气", "category": "heating"}, "category"),  # not a leaf
        ({"description": "暖气", "address": "路" * 201}, "address"),
        ({"description": "暖气\x00"}, "description"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(trained, operator, body, field):
    response = operator.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in error_fields(response)


def test_a_body_that_is_not_an_object_is_a_400(trained, operator):
    response = operator.post(URL, ["暖气"], format="json")
    assert response.status_code == 400


def test_an_inactive_category_is_neither_suggested_nor_accepted(trained, operator, taxonomy):
    taxonomy["leak"].is_active = False
    taxonomy["leak"].save()
    body = operator.post(URL, {"description": "暖气漏水，流到楼下了"}).json()
    assert "heating.service.leak" not in [c["code"] for c in body["categories"]]
    refused = operator.post(URL, {"description": "暖气", "category": "heating.service.leak"})
    assert refused.status_code == 400


def test_the_query_count_does_not_grow_with_the_tickets(
    trained, operator, staff, taxonomy, city, django_assert_num_queries
):
    body = {"description": "暖气片不热", "region": city["shenggunan"].code,
            "phone": "13900001111"}  # fmt: skip
    operator.post(URL, body)  # warm the reference cache
    for i in range(6):
        _open_ticket(staff, taxonomy, city["shenggunan"], f"暖气片不热 第{i}家")
    # the token with its user, the roles; the latest classifier version (every request here:
    # SUGGESTIONS_MODEL_CHECK_SECONDS is 0 in tests); similar tickets, repeats, the history; the
    # knowledge base's search (the category's path, its word statistics, the ranked articles)
    with django_assert_num_queries(9):
        response = operator.post(URL, body)
    assert len(response.json()["similar"]) == 5


def test_articles_come_from_the_knowledge_base_search(trained, operator, staff, units, taxonomy):
    """Staff get public and internal articles in effect (an internal one opens on its staff
    page); the residents' variant only the public ones."""
    from knowledge import services as knowledge

    radiator = Category.objects.get(code="heating.service.radiator")
    editor = staff["supervisor"]

    def published(title, audience):
        article = knowledge.article_create(
            actor=editor,
            title=title,
            body="先放气，仍不热请联系供热单位。",
            keywords="暖气不热 暖气片",
            owner=units["street"],
            categories=[radiator],
            audience=audience,
        )
        knowledge.article_submit(article_id=article.pk, actor=editor)
        knowledge.article_publish(article_id=article.pk, actor=editor)
        return article

    public = published("暖气片不热怎么办", "public")
    internal = published("暖气不热的话务口径", "internal")
    body = operator.post(URL, {"description": "暖气片不热"}).json()
    found = {a["id"]: a["url"] for a in body["articles"]}
    assert found == {
        public.pk: f"/faq/{public.pk}/",
        internal.pk: f"/admin/knowledge/article/{internal.pk}/change/",
    }
    residents = APIClient().post(PUBLIC_URL, {"description": "暖气片不热"}, format="json")
    assert [a["id"] for a in residents.json()["articles"]] == [public.pk]


def test_staff_see_an_expired_article_flagged_and_residents_do_not_see_it(
    trained, operator, staff, units, taxonomy
):
    """The desk shows that an answer exists but is past its last valid day (its unit must
    review it); the residents' variant only offers articles in effect."""
    from datetime import timedelta

    from django.utils import timezone

    from knowledge import services as knowledge

    editor, today = staff["supervisor"], timezone.localdate()
    article = knowledge.article_create(
        actor=editor,
        title="暖气片不热怎么办",
        body="先放气，仍不热请联系供热单位。",
        keywords="暖气不热 暖气片",
        owner=units["street"],
        categories=[taxonomy["radiator"]],
        effective_from=today - timedelta(days=60),
        valid_until=today - timedelta(days=1),
    )
    knowledge.article_submit(article_id=article.pk, actor=editor)
    knowledge.article_publish(article_id=article.pk, actor=editor)
    (shown,) = operator.post(URL, {"description": "暖气片不热"}).json()["articles"]
    assert (shown["id"], shown["expired"]) == (article.pk, True)
    residents = APIClient().post(PUBLIC_URL, {"description": "暖气片不热"}, format="json")
    assert residents.json()["articles"] == []


# -- the residents' site ----------------------------------------------------------------------


def test_the_public_variant_answers_categories_and_articles_only(trained, staff, taxonomy, city):
    _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热，摸着冰凉")
    response = APIClient().post(PUBLIC_URL, {"description": "暖气片不热"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"categories", "articles", "model"}
    assert body["categories"][0]["code"] == "heating.service.radiator"


def test_the_public_variant_is_rate_limited_per_address(trained, settings):
    settings.SUGGESTIONS_PUBLIC_RATE = "3/min"
    http = APIClient()
    codes = [
        http.post(PUBLIC_URL, {"description": "暖气"}, format="json").status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_public_variant_refuses_bad_input(trained):
    response = APIClient().post(PUBLIC_URL, {"description": ""}, format="json")
    assert response.status_code == 400 and "description" in error_fields(response)


def test_the_public_variant_ignores_staff_fields(trained, staff, taxonomy, city):
    _open_ticket(staff, taxonomy, city["shenggunan"], "暖气片不热")
    body = (
        APIClient()
        .post(PUBLIC_URL, {"description": "暖气片不热", "phone": "13900001111"}, format="json")
        .json()
    )
    assert "caller" not in body and "similar" not in body
    assert Ticket.objects.count() == 1
