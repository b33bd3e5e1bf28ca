"""What was suggested and what the operator chose, recorded by the services that classify."""

import pytest
from django.core.exceptions import ValidationError

from suggestions.models import SuggestionRecord
from suggestions.records import Shown, shown_from_token
from tests.tickets.api.problems import error_fields
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/suggestions/"


def _shown(as_staff, description: str) -> dict:
    return as_staff("operator").post(URL, {"description": description}).json()


def _call(staff, taxonomy, city, *, category, suggestion=""):
    return services.ticket_create_from_call(
        actor=staff["operator"],
        kind="help",
        category=taxonomy[category],
        region=city["shenggunan"],
        description="暖气片冰凉不热",
        contact_phone="13900001111",
        suggestion=suggestion,
    )


def test_phone_intake_records_the_suggestions_beside_the_category_chosen(
    trained, as_staff, staff, taxonomy, city
):
    shown = _shown(as_staff, "暖气片冰凉不热")
    ticket = _call(staff, taxonomy, city, category="radiator", suggestion=shown["token"])
    record = SuggestionRecord.objects.get()
    assert record.ticket == ticket and record.action == "phone_intake"
    assert record.chosen == taxonomy["radiator"] and record.rank == 1
    assert record.model_version == trained.pk and record.actor == staff["operator"]
    assert [s["code"] for s in record.suggested] == [c["code"] for c in shown["categories"]]
    assert record.suggested[0]["score"] == pytest.approx(shown["categories"][0]["score"], abs=1e-4)


def test_a_category_outside_the_three_shown_has_no_rank(trained, as_staff, staff, taxonomy, city):
    shown = _shown(as_staff, "暖气片冰凉不热")
    codes = [c["code"] for c in shown["categories"]]
    chosen = next(k for k in ("plate", "elevator", "leak") if taxonomy[k].code not in codes)
    _call(staff, taxonomy, city, category=chosen, suggestion=shown["token"])
    assert SuggestionRecord.objects.get().rank is None


def test_acceptance_records_the_final_category_after_a_correction(
    trained, as_staff, submit, staff, taxonomy
):
    ticket = submit(description="暖气管漏水了，流到楼下")  # the resident chose 楼牌号缺失
    shown = _shown(as_staff, ticket.description)
    services.ticket_accept(
        ticket_id=ticket.pk,
        actor=staff["operator"],
        category=taxonomy["leak"],
        suggestion=shown["token"],
    )
    record = SuggestionRecord.objects.get()
    assert record.action == "accept" and record.chosen == taxonomy["leak"]
    assert record.rank == [c["code"] for c in shown["categories"]].index("heating.service.leak") + 1


def test_the_accept_endpoint_passes_the_token_on(trained, as_staff, submit, taxonomy):
    ticket = submit(description="电梯困人了")
    operator = as_staff("operator")
    shown = operator.post(URL, {"description": ticket.description}).json()
    response = operator.post(
        f"/api/v1/tickets/{ticket.number}/accept/",
        {"category": "housing.property.elevator", "suggestion": shown["token"]},
    )
    assert response.status_code == 200, response.content
    assert SuggestionRecord.objects.get().chosen == taxonomy["elevator"]


def test_without_a_token_nothing_is_recorded(trained, staff, taxonomy, city):
    _call(staff, taxonomy, city, category="radiator")
    assert not SuggestionRecord.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        Shown(1, (("heating.service.radiator", 0.9),)).token()[:-3] + "abc",  # tampered
        "x" * 5000,
    ],
)
def test_a_token_the_portal_did_not_sign_stores_nothing(trained, staff, taxonomy, city, token):
    with pytest.raises(ValidationError) as error:
        _call(staff, taxonomy, city, category="radiator", suggestion=token)
    assert "suggestion" in error.value.message_dict
    assert not Ticket.objects.exists() and not SuggestionRecord.objects.exists()


def test_a_bad_token_at_acceptance_leaves_the_ticket_submitted(trained, submit, staff, taxonomy):
    ticket = submit()
    with pytest.raises(ValidationError):
        services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"], suggestion="forged")
    ticket.refresh_from_db()
    assert ticket.status == "submitted" and not SuggestionRecord.objects.exists()


def test_the_accept_endpoint_answers_400_for_a_forged_token(trained, as_staff, submit):
    ticket = submit()
    response = as_staff("operator").post(
        f"/api/v1/tickets/{ticket.number}/accept/", {"suggestion": "forged"}
    )
    assert response.status_code == 400 and "suggestion" in error_fields(response)


def test_a_token_carries_the_version_and_what_was_shown():
    shown = Shown(4, (("a.b.c", 0.61234567), ("a.b.d", 0.2)))
    again = shown_from_token(shown.token())
    assert again == Shown(4, (("a.b.c", 0.6123), ("a.b.d", 0.2)))
    assert again.rank_of("a.b.d") == 2 and again.rank_of("x") is None
