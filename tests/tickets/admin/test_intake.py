"""The call-taker's desk (issue 14 §3) through the Django test client: the page, the server-side
suggestions a page without JavaScript gets, choosing a category or place with a button, the
address filling the place, the three endings and their refusals, and the page offering exactly
what the services accept."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge import services as knowledge
from suggestions.models import SuggestionRecord
from tickets import services
from tickets.models import Category, Kind, Ticket, UrgencyClass

pytestmark = pytest.mark.django_db

URL = "/admin/tickets/ticket/intake/"
PHONE = "13812345678"


@pytest.fixture
def desk(client, staff):
    def sign_in(role="operator"):
        client.force_login(staff[role])
        return client

    return sign_in


@pytest.fixture
def heating(taxonomy, urgency):
    """Radiators are of the utilities class (水电气热), as in the demo city."""
    for code in ("radiator", "leak"):
        taxonomy[code].urgency = urgency["utilities"]
        taxonomy[code].save()
    return taxonomy


@pytest.fixture
def leak_call(heating, city):
    """A call about a leaking radiator, category and place chosen, as the page posts it."""
    return {
        "contact_phone": PHONE,
        "description": "楼道里暖气漏水了",
        "kind": "help",
        "category": "heating.service.leak",
        "category_query": heating["leak"].path,
        "urgency": "",
        "region": city["shenggunan"].code,
        "place_query": city["shenggunan"].full_name,
        "address": "胜古南里12号楼",
        "contact_name": "李雪贞",
    }


@pytest.fixture
def article(staff, units, taxonomy):
    """A published article about leaking radiators."""
    editor = staff["supervisor"]
    found = knowledge.article_create(
        actor=editor,
        title="暖气漏水怎么办",
        body="关闭阀门，联系供热单位抢修。",
        keywords="暖气漏水 漏水",
        owner=units["street"],
        categories=[taxonomy["leak"]],
    )
    knowledge.article_submit(article_id=found.pk, actor=editor)
    knowledge.article_publish(article_id=found.pk, actor=editor)
    found.refresh_from_db()
    return found


# -- the page ------------------------------------------------------------------------------------


def test_the_desk_starts_at_the_number_and_chooses_nothing_for_the_call_taker(desk, taxonomy):
    page = desk().get(URL).content.decode()
    assert page.index('name="contact_phone"') < page.index('name="description"')
    assert "autofocus" in page.split('name="contact_phone"')[1].split(">")[0]
    assert (
        page.count('name="kind"') == len(Kind.values)
        and " checked" not in page.split("kind-options")[1].split("</fieldset>")[0]
    )
    # categories and places are typed, never picked from a list of hundreds
    assert '<select name="category"' not in page and '<select name="region"' not in page
    assert 'id="desk-rules" type="application/json"' in page
    assert "<script>" not in page  # the page's own script is a static file (CSP)


def test_operators_see_two_endings_and_dispatchers_three(desk, taxonomy):
    operator = desk("operator").get(URL).content.decode()
    assert 'value="dispatch"' not in operator and 'value="accept"' in operator
    dispatcher = desk("dispatcher").get(URL).content.decode()
    assert 'value="dispatch"' in dispatcher and 'value="accept"' in dispatcher


@pytest.mark.parametrize(
    ("role", "linked"),
    [("operator", True), ("dispatcher", True), ("handler", False), ("analyst", False)],
)
def test_the_admin_index_leads_call_takers_to_the_desk(client, staff, role, linked):
    client.force_login(staff[role])
    assert (f'href="{URL}"' in client.get("/admin/").content.decode()) is linked


@pytest.mark.parametrize("role", ["handler", "analyst", "callback", "supervisor"])
def test_the_desk_and_its_helpers_are_for_operators_and_dispatchers(client, staff, role):
    client.force_login(staff[role])
    assert client.get(URL).status_code == 403
    assert client.get(URL + "history/", {"phone": PHONE}).status_code == 403
    assert client.get(URL + "find/", {"what": "category", "q": "nq"}).status_code == 403


# -- suggestions without JavaScript ---------------------------------------------------------------


def test_the_suggest_button_renders_the_suggestions_of_the_endpoints_selector(
    desk, trained, article, city
):
    response = desk().post(
        URL, {"suggest": "1", "contact_phone": PHONE, "description": "楼道里暖气漏水了"}
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    found = response.context["desk"].suggestions
    assert found.categories[0][0].code == "heating.service.leak"
    page = response.content.decode()
    assert 'name="take_category" value="heating.service.leak"' in page
    assert 'accesskey="g"' in page  # the first suggestion is one key away
    assert article.title in page and f'name="answer_with" value="{article.pk}"' in page
    assert found.unit.code == "ut-heat" and "北京市热力集团有限责任公司" in page
    token = response.context["values"]["suggestion"]
    assert token and f'name="suggestion" value="{token}"' in page
    assert not response.context["form"].is_bound  # suggesting never complains
    assert "errornote" not in page


def test_a_suggested_category_is_chosen_with_one_button(desk, heating, trained, taxonomy):
    response = desk().post(
        URL, {"description": "楼道里暖气漏水了", "take_category": "heating.service.leak"}
    )
    chosen = response.context["desk"].category
    assert chosen == taxonomy["leak"]
    page = response.content.decode()
    assert f'name="category_query" id="id_category_query" value="{chosen.path}"' in page
    assert 'name="category" value="heating.service.leak"' in page
    # the urgency follows the category (utilities) and cannot be lowered below it
    offered = {u["code"]: u["allowed"] for u in response.context["urgencies"]}
    assert offered == {"emergency": True, "utilities": True, "general": False, "complex": False}


def test_a_typed_category_is_found_by_pinyin_without_javascript(desk, taxonomy):
    response = desk().post(URL, {"suggest": "1", "category_query": "nqls"})
    assert [c.code for c in response.context["desk"].found_categories] == ["heating.service.leak"]
    assert 'name="take_category" value="heating.service.leak"' in response.content.decode()


def test_text_that_no_longer_names_the_chosen_category_leaves_none_chosen(desk, taxonomy):
    response = desk().post(
        URL, {"category": "heating.service.leak", "category_query": "电梯", "suggest": "1"}
    )
    assert response.context["desk"].category is None
    assert [c.code for c in response.context["desk"].found_categories] == [
        "housing.property.elevator"
    ]


def test_the_address_fills_the_place_when_none_was_chosen(desk, city):
    response = desk().post(URL, {"suggest": "1", "address": "朝阳区和平街胜古南里12号楼"})
    state = response.context["desk"]
    assert state.region == city["shenggunan"] and state.place_from_address
    page = response.content.decode()
    assert f'name="region" value="{city["shenggunan"].code}"' in page


def test_a_place_chosen_by_hand_is_kept_whatever_the_address_says(desk, city):
    response = desk().post(
        URL,
        {
            "suggest": "1",
            "address": "胜古南里12号楼",
            "region": city["anzhen"].code,
            "place_query": city["anzhen"].full_name,
        },
    )
    assert response.context["desk"].region == city["anzhen"]
    assert not response.context["desk"].place_from_address


def test_a_found_place_is_chosen_with_one_button(desk, city):
    response = desk().post(URL, {"place_query": "hpj"})
    assert city["hepingjie"] in response.context["desk"].found_places
    response = desk().post(URL, {"place_query": "hpj", "take_place": city["hepingjie"].code})
    assert response.context["desk"].region == city["hepingjie"]


def test_the_callers_history_a_repeat_and_their_name_come_with_the_page(
    desk, submit, category, city
):
    earlier = submit(contact_phone="010-65123456")
    response = desk().post(
        URL,
        {
            "suggest": "1",
            "contact_phone": "6512 3456",  # a Beijing landline as the caller says it
            "category": category.code,
            "category_query": category.path,
        },
    )
    state = response.context["desk"]
    assert [t.number for t in state.history] == [earlier.number]
    assert earlier.pk in state.repeats and state.recent == 1
    assert response.context["values"]["contact_name"] == "李雪贞"
    assert "is-repeat" in response.content.decode()


# -- the endings ---------------------------------------------------------------------------------


def test_create_for_the_dispatchers(desk, leak_call):
    response = desk().post(URL, {**leak_call, "ending": "accept"})
    assert response.status_code == 302 and response.url == URL
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.channel, ticket.kind) == ("accepted", "phone", "help")
    assert ticket.urgency.code == "utilities"  # the category's
    page = desk().get(URL).content.decode()
    assert ticket.number in page  # the message, with a link to the ticket


def test_create_and_dispatch_to_the_unit_shown(desk, trained, leak_call, taxonomy):
    shown = desk("dispatcher").post(URL, {**leak_call, "suggest": "1"})
    data = shown.context["values"]
    assert data["lead"] == "ut-heat"
    response = desk("dispatcher").post(
        URL,
        {**leak_call, "lead": data["lead"], "suggestion": data["suggestion"], "ending": "dispatch"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.lead_unit) == ("dispatched", taxonomy["heat"])
    record = SuggestionRecord.objects.get()
    assert record.ticket == ticket and record.chosen == taxonomy["leak"] and record.rank == 1


def test_a_dispatch_to_a_unit_the_catalogue_no_longer_names_is_refused(desk, leak_call, units):
    response = desk("dispatcher").post(
        URL, {**leak_call, "lead": units["street"].code, "ending": "dispatch"}
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    (message,) = response.context["form"].errors["lead"]
    assert "北京市热力集团有限责任公司" in message
    # the page now shows the unit the catalogue names
    assert response.context["values"]["lead"] == "ut-heat"


def test_an_operator_cannot_dispatch_from_the_desk(desk, leak_call):
    response = desk("operator").post(URL, {**leak_call, "lead": "ut-heat", "ending": "dispatch"})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert response.context["form"].non_field_errors()


def test_answer_with_an_article_closes_the_consultation(desk, leak_call, article):
    response = desk().post(
        URL, {**leak_call, "kind": "consultation", "answer_with": str(article.pk)}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.outcome) == ("closed", "answered")
    assert ticket.events.get(action="answer_directly").data["article"] == article.pk


def test_a_complaint_cannot_be_answered_and_the_refusal_is_beside_the_kind(
    desk, trained, leak_call, article
):
    response = desk().post(URL, {**leak_call, "kind": "complaint", "answer_with": str(article.pk)})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert response.context["form"].errors["kind"]
    # and the re-rendered page no longer offers the answer for this kind
    assert response.context["answer_refused"]
    assert f'value="{article.pk}" class="button answer" disabled' in response.content.decode()


def test_an_expired_article_is_flagged_and_cannot_answer(desk, trained, leak_call, article):
    today = timezone.localdate()
    article.effective_from, article.valid_until = today - timedelta(days=9), today - timedelta(1)
    article.save()
    response = desk().post(URL, {**leak_call, "kind": "consultation", "suggest": "1"})
    (shown,) = response.context["desk"].suggestions.articles
    assert shown["expired"] and "expired-flag" in response.content.decode()
    assert f'name="answer_with" value="{article.pk}"' not in response.content.decode()
    refused = desk().post(
        URL, {**leak_call, "kind": "consultation", "answer_with": str(article.pk)}
    )
    assert refused.status_code == 200 and Ticket.objects.count() == 0
    assert "expired" in str(refused.context["form"].non_field_errors()).lower() or "过期" in str(
        refused.context["form"].non_field_errors()
    )


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "\x00"])
def test_a_bad_article_value_is_a_form_error(desk, leak_call, value):
    response = desk().post(URL, {**leak_call, "kind": "consultation", "answer_with": value})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert response.context["form"].non_field_errors()


def test_an_ending_without_a_kind_says_to_choose_one_and_stores_nothing(desk, leak_call):
    response = desk().post(URL, {**leak_call, "kind": "", "ending": "accept"})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert response.context["form"].errors["kind"]


def test_an_ending_does_not_take_the_place_from_the_address_unseen(desk, leak_call, city):
    call = {**leak_call, "region": "", "place_query": "", "address": "和平街胜古南里12号楼"}
    response = desk().post(URL, {**call, "ending": "accept"})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert "region" in response.context["form"].errors
    # the page shows the place the address names, for the call-taker to confirm
    assert response.context["desk"].region == city["shenggunan"]
    confirmed = {**response.context["values"].dict(), "ending": "accept"}
    assert desk().post(URL, confirmed).status_code == 302


def test_a_lowered_urgency_is_refused_beside_the_field(desk, leak_call):
    response = desk().post(URL, {**leak_call, "urgency": "general", "ending": "accept"})
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert response.context["form"].errors["urgency"]


# -- one place decides -------------------------------------------------------------------------


def test_the_page_offers_exactly_the_urgencies_the_service_accepts(desk, staff, leak_call):
    rules = desk().get(URL).context["desk_rules"]
    classes = list(UrgencyClass.objects.all())
    for leaf in Category.objects.filter(level=3, is_active=True):
        offered = set(rules["urgency"][leaf.code]["allowed"])
        accepted = set()
        for urgency_class in classes:
            try:
                services.ticket_create_from_call(
                    actor=staff["operator"],
                    urgency=urgency_class,
                    **{
                        k: v
                        for k, v in leak_call.items()
                        if k not in ("category", "category_query", "place_query", "urgency")
                    },
                    category=leaf.code,
                )
            except ValidationError:
                continue
            accepted.add(urgency_class.code)
        assert offered == accepted, leaf.code


def test_the_page_offers_the_answer_for_exactly_the_kinds_the_service_answers(
    desk, staff, leak_call, article
):
    rules = desk().get(URL).context["desk_rules"]
    call = {k: v for k, v in leak_call.items() if k not in ("category_query", "place_query")}
    call["urgency"] = None
    accepted = set()
    for kind in Kind.values:
        try:
            services.ticket_answer_call(
                actor=staff["operator"], article=article.pk, **{**call, "kind": kind}
            )
        except ValidationError:
            continue
        accepted.add(kind)
    assert set(rules["kinds"]["answer"]) == accepted == {"consultation"}


# -- bad input and costs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["category", "take_category", "region", "take_place", "address", "description"]
)
def test_a_nul_in_any_field_breaks_nothing(desk, trained, leak_call, field):
    response = desk().post(URL, {**leak_call, field: "ab\x00c", "suggest": "1"})
    assert response.status_code == 200
    response = desk().post(URL, {**leak_call, field: "ab\x00c", "ending": "accept"})
    assert response.status_code in (200, 302)
    history = desk().get(URL + "history/", {"phone": PHONE, "category": "\x00", "address": "\x00"})
    assert history.status_code == 200


def test_the_desk_costs_the_same_queries_for_a_caller_with_more_history(
    desk, trained, submit, leak_call
):
    submit()
    client = desk()
    client.post(URL, {**leak_call, "suggest": "1"})  # the reference data and indexes are built
    with CaptureQueriesContext(connection) as one:
        client.post(URL, {**leak_call, "suggest": "1"})
    for _ in range(4):
        submit()
    with CaptureQueriesContext(connection) as five:
        client.post(URL, {**leak_call, "suggest": "1"})
    assert len(five) == len(one), [q["sql"][:80] for q in five.captured_queries]
