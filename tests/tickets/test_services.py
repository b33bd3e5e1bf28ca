"""The ticket services: each action's event, deadlines, guards, and what it refuses."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from departments.models import Department, DispatchRule
from tickets import services
from tickets.exceptions import NotPermitted, RuleViolation, TransitionNotAllowed
from tickets.models import Assignment, Callback, Extension, Ticket, TicketEvent
from tickets.signals import ticket_changed
from tickets.sla import SHANGHAI
from tickets.workflow import Action, Status

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
D = timedelta(days=1)
# A Tuesday morning in Beijing, away from any holiday.
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


def events_of(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk"))


def last_event(ticket):
    return events_of(ticket)[-1]


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


# --- submit -------------------------------------------------------------------------------


def test_submit_stores_ticket_with_its_first_event(submit, frozen):
    ticket = submit()
    assert ticket.status == Status.SUBMITTED
    assert ticket.number == "20261124000001"
    assert len(ticket.access_code) == 8
    assert ticket.accept_due_at == T0 + 2 * H
    assert ticket.due_at == ticket.accept_due_at
    assert ticket.district.code == "110105" and ticket.street.code == "110105019"
    assert ticket.community.code == "110105019001"
    assert ticket.citizen.phone == "13812345678"
    (event,) = events_of(ticket)
    assert (event.action, event.from_status, event.to_status) == ("submit", "", "submitted")
    assert event.public and event.actor is None


def test_numbers_are_sequential_per_day_and_sort_by_date(submit, frozen):
    first, second = submit(), submit()
    frozen.move_to(T0 + D)
    third = submit()
    assert [first.number, second.number, third.number] == [
        "20261124000001",
        "20261124000002",
        "20261125000001",
    ]
    assert sorted([third.number, first.number, second.number]) == [
        first.number,
        second.number,
        third.number,
    ]


def test_number_uses_the_beijing_date_late_at_night(submit):
    with time_machine.travel(datetime(2026, 11, 24, 23, 59, tzinfo=SHANGHAI), tick=False):
        ticket = submit()
    assert ticket.number.startswith("20261124")  # 15:59 UTC, but 24 November in Beijing


def test_access_codes_differ(submit):
    assert len({submit().access_code for _ in range(5)}) == 5


def test_submit_notifies_only_after_commit(submit, django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    ticket_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ticket = submit()
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        ticket_changed.disconnect(receiver)
    assert received[0]["ticket_id"] == ticket.pk and received[0]["action"] == Action.SUBMIT


def test_anonymous_submission_keeps_no_contact(submit):
    ticket = submit(anonymous=True, contact_phone="13812345678", contact_name="张三")
    assert ticket.anonymous and ticket.contact_phone == "" and ticket.contact_name == ""
    assert ticket.citizen is None


def test_phone_numbers_are_normalised(submit):
    assert submit(contact_phone="+86 138-1234-5678").contact_phone == "13812345678"


def test_resident_by_phone_is_reused(submit):
    first, second = submit(), submit(contact_name="李女士")
    assert first.citizen_id == second.citizen_id
    second.citizen.refresh_from_db()
    assert second.citizen.name == "李女士"


def test_phone_channel_is_refused_for_self_submission(submit):
    with pytest.raises(ValidationError) as error:
        submit(channel="phone")
    assert "channel" in error.value.message_dict


def test_phone_intake_creates_accepted_ticket(intake, staff, frozen):
    data = {k: v for k, v in intake.items() if k != "channel"}
    ticket = services.ticket_create_from_call(actor=staff["operator"], **data)
    assert ticket.status == Status.ACCEPTED and ticket.channel == "phone"
    assert ticket.accepted_at == T0 and ticket.dispatch_due_at == T0 + 24 * H
    (event,) = events_of(ticket)
    assert event.action == Action.PHONE_INTAKE and event.actor == staff["operator"]
    assert event.unit.code == "hotline"


def test_phone_intake_refused_to_a_handler(intake, staff):
    data = {k: v for k, v in intake.items() if k != "channel"}
    with pytest.raises(NotPermitted):
        services.ticket_create_from_call(actor=staff["handler"], **data)
    assert Ticket.objects.count() == 0


# --- accept / answer / close at intake ---------------------------------------------------


def test_accept_classifies_and_starts_dispatch_clock(submit, staff, urgency, frozen):
    ticket = submit()
    frozen.shift(30 * 60)
    ticket = services.ticket_accept(
        ticket_id=ticket.pk, actor=staff["operator"], urgency=urgency["utilities"], kind="complaint"
    )
    assert ticket.status == Status.ACCEPTED and ticket.kind == "complaint"
    assert ticket.dispatch_due_at == T0 + 30 * 60 * timedelta(seconds=1) + 2 * H
    assert ticket.due_at == ticket.dispatch_due_at
    event = last_event(ticket)
    assert (event.action, event.from_status, event.to_status) == ("accept", "submitted", "accepted")
    assert len(events_of(ticket)) == 2


def test_the_catalogue_suggests_a_unit_at_intake_and_again_at_acceptance(
    submit, staff, units, city, category
):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    ticket = submit()
    ticket.refresh_from_db()
    assert ticket.suggested_unit == units["street"]  # 和平街 covers 胜古南社区
    assert ticket.lead_unit is None  # a suggestion only: nothing is dispatched
    # The operator corrects the place: the suggestion follows it.
    ticket = services.ticket_accept(
        ticket_id=ticket.pk, actor=staff["operator"], region=city["anzhen"].code
    )
    ticket.refresh_from_db()
    assert ticket.suggested_unit == units["other_street"]


def test_phone_intake_stores_the_suggestion_too(intake, staff, units):
    ticket = services.ticket_create_from_call(actor=staff["operator"], **intake)
    ticket.refresh_from_db()
    assert ticket.suggested_unit == units["district"]  # no rule: the district government


def test_accept_refuses_wrong_actor_and_wrong_status(submit, staff):
    ticket = submit()
    with pytest.raises(NotPermitted):
        services.ticket_accept(ticket_id=ticket.pk, actor=staff["handler"])
    services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    with pytest.raises(TransitionNotAllowed):
        services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])
    assert len(events_of(ticket)) == 2


def test_accept_with_unknown_category_names_the_field(submit, staff):
    ticket = submit()
    with pytest.raises(ValidationError) as error:
        services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"], category="no.such")
    assert "category" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED and len(events_of(ticket)) == 1


def test_answer_directly_closes_a_consultation(submit, staff):
    ticket = submit(kind="consultation")
    ticket = services.ticket_answer_directly(
        ticket_id=ticket.pk, actor=staff["operator"], answer="可在政务服务网办理。"
    )
    assert ticket.status == Status.CLOSED and ticket.outcome == "answered"
    assert ticket.due_at is None
    assert last_event(ticket).note == "可在政务服务网办理。"


def test_answer_directly_refuses_a_complaint(submit, staff):
    ticket = submit(kind="complaint")
    with pytest.raises(RuleViolation):
        services.ticket_answer_directly(ticket_id=ticket.pk, actor=staff["operator"], answer="x")


def test_duplicate_closed_at_intake_links_the_original(submit, staff):
    original, copy = submit(), submit()
    closed = services.ticket_close_at_intake(
        ticket_id=copy.pk,
        actor=staff["operator"],
        outcome="duplicate",
        duplicate_of=original.number,
    )
    assert closed.status == Status.CLOSED and closed.outcome == "duplicate"
    assert closed.duplicate_of == original
    assert last_event(closed).data["duplicate_of"] == original.number


def test_duplicate_of_a_duplicate_links_the_root(submit, staff):
    root, first, second = submit(), submit(), submit()
    services.ticket_close_at_intake(
        ticket_id=first.pk, actor=staff["operator"], outcome="duplicate", duplicate_of=root
    )
    closed = services.ticket_close_at_intake(
        ticket_id=second.pk, actor=staff["operator"], outcome="duplicate", duplicate_of=first
    )
    assert closed.duplicate_of == root


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"outcome": "duplicate"}, "duplicate_of"),
        ({"outcome": "duplicate", "duplicate_of": "20000101000001"}, "duplicate_of"),
        ({"outcome": "referred"}, "referred_to"),
        ({"outcome": "invalid"}, "note"),
        ({"outcome": "handled"}, "outcome"),
    ],
)
def test_close_at_intake_needs_its_details(submit, staff, kwargs, field):
    ticket = submit()
    with pytest.raises(ValidationError) as error:
        services.ticket_close_at_intake(ticket_id=ticket.pk, actor=staff["operator"], **kwargs)
    assert field in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.SUBMITTED


def test_ticket_cannot_duplicate_itself(submit, staff):
    ticket = submit()
    with pytest.raises(ValidationError):
        services.ticket_close_at_intake(
            ticket_id=ticket.pk, actor=staff["operator"], outcome="duplicate", duplicate_of=ticket
        )


def test_referred_ticket_says_where(submit, staff):
    ticket = submit()
    closed = services.ticket_close_at_intake(
        ticket_id=ticket.pk, actor=staff["operator"], outcome="referred", referred_to="110"
    )
    assert closed.referred_to == "110"


# --- dispatch ---------------------------------------------------------------------------


def test_dispatch_sets_lead_deadlines_and_informs_the_district(lifecycle, staff, units, frozen):
    ticket = lifecycle("accepted")
    ticket = services.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=staff["dispatcher"],
        lead=units["street"],
        co_units=[units["bureau"]],
    )
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == units["street"]
    assert ticket.response_due_at == T0 + 24 * H
    assert ticket.reply_due_at == T0 + 7 * D
    assert ticket.due_at == ticket.response_due_at
    roles = {(a.unit.code, a.role) for a in ticket.assignments.all()}
    assert roles == {("st-110105019", "lead"), ("bj-zjw", "co"), ("gov-110105", "informed")}
    lead = ticket.assignments.get(role="lead")
    assert lead.return_due_at == T0 + 24 * H and lead.reply_due_at == ticket.reply_due_at
    event = last_event(ticket)
    assert event.action == "dispatch" and event.unit == units["street"]
    assert event.data["co_units"] == ["bj-zjw"] and event.data["informed"] == "gov-110105"


def test_dispatch_refuses_wrong_actor_status_and_unit(lifecycle, submit, staff, units):
    ticket = lifecycle("accepted")
    with pytest.raises(NotPermitted):
        services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["operator"], lead=units["street"])
    with pytest.raises(ValidationError):
        services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["hotline"]
        )
    with pytest.raises(ValidationError):
        services.ticket_dispatch(
            ticket_id=ticket.pk, actor=staff["dispatcher"], lead="no-such-unit"
        )
    fresh = submit()
    with pytest.raises(TransitionNotAllowed):
        services.ticket_dispatch(
            ticket_id=fresh.pk, actor=staff["dispatcher"], lead=units["street"]
        )
    assert Assignment.objects.count() == 0


def test_emergency_deadlines(lifecycle, staff, units, urgency, frozen):
    ticket = lifecycle("submitted")
    services.ticket_accept(
        ticket_id=ticket.pk, actor=staff["operator"], urgency=urgency["emergency"]
    )
    ticket = services.ticket_dispatch(
        ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"]
    )
    assert ticket.response_due_at == T0 + 2 * H and ticket.reply_due_at == T0 + 2 * H


def test_working_day_class_uses_the_holiday_calendar(lifecycle, staff, units, urgency):
    """General class counted in working days, dispatched on Wednesday 30 Sep 2026 (before the
    National Day break, 1–7 Oct): the first working day ends on Thursday 8 Oct; Friday 9,
    Saturday 10 (an adjusted working day), Monday 12 to Thursday 15 Oct make seven."""
    general = urgency["general"]
    general.working_days = True
    general.save()
    start = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        ticket = lifecycle("dispatched")
    assert ticket.reply_due_at == datetime(2026, 10, 15, 10, 0, tzinfo=SHANGHAI)
    assert ticket.response_due_at == datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)


# --- return -------------------------------------------------------------------------------


def test_return_then_redispatch(lifecycle, staff, units, frozen):
    ticket = lifecycle("dispatched")
    frozen.shift(3600)
    ticket = services.ticket_return(
        ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本街道辖区"
    )
    assert ticket.status == Status.ACCEPTED and ticket.lead_unit is None
    assert ticket.reply_due_at is None and ticket.dispatch_due_at == T0 + H + 24 * H
    assert not ticket.assignments.filter(active=True).exists()
    returned = ticket.assignments.get(role="lead")
    assert returned.returned_at == T0 + H and returned.return_reason == "不属于本街道辖区"
    event = last_event(ticket)
    assert event.action == "return" and not event.public
    ticket = services.ticket_dispatch(
        ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["other_street"]
    )
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == units["other_street"]
    assert ticket.assignments.filter(active=True, role="lead").get().unit == units["other_street"]


def test_after_a_return_the_suggestion_passes_over_the_returning_unit(
    lifecycle, staff, units, category
):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    ticket = lifecycle("dispatched")  # to 和平街, as the catalogue suggested
    assert ticket.suggested_unit == units["street"]
    ticket = services.ticket_return(
        ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本街道辖区"
    )
    ticket.refresh_from_db()
    assert ticket.suggested_unit == units["district"]  # the next choice: the backstop


def test_refreshing_suggestions_follows_a_changed_catalogue_for_waiting_tickets_only(
    lifecycle, staff, units, category
):
    submitted, accepted = lifecycle("submitted"), lifecycle("accepted")
    dispatched, returned = lifecycle("dispatched"), lifecycle("dispatched")
    services.ticket_return(ticket_id=returned.pk, actor=staff["handler"], reason="不属于本辖区")
    Ticket.objects.filter(pk=accepted.pk).update(suggested_unit=None)  # as before an upgrade
    before = {t.pk: t.updated_at for t in Ticket.objects.all()}
    # The catalogue now sends the category to the street offices (属地).
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    assert services.suggestions_refresh() == 2
    suggested = dict(Ticket.objects.values_list("pk", "suggested_unit"))
    assert suggested[submitted.pk] == suggested[accepted.pk] == units["street"].pk
    assert suggested[dispatched.pk] == units["district"].pk  # dispatched: left as it was
    assert suggested[returned.pk] == units["district"].pk  # never the unit that returned it
    assert {t.pk: t.updated_at for t in Ticket.objects.all()} == before
    out = io.StringIO()
    call_command("refresh_suggestions", stdout=out)
    assert out.getvalue() == "0 tickets got a new suggestion.\n"


def test_return_after_the_window_is_refused(lifecycle, staff, frozen):
    ticket = lifecycle("dispatched")
    frozen.shift(24 * 3600 + 1)
    with pytest.raises(RuleViolation):
        services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_second_return_by_same_unit_is_refused(lifecycle, staff, units):
    ticket = lifecycle("dispatched")
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"])
    with pytest.raises(RuleViolation):
        services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="再次退回")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_return_by_another_unit_is_refused(lifecycle, staff):
    ticket = lifecycle("dispatched")
    for who in ("other_handler", "dispatcher"):
        with pytest.raises(NotPermitted):
            services.ticket_return(ticket_id=ticket.pk, actor=staff[who], reason="x")


def test_return_needs_a_reason(lifecycle, staff):
    ticket = lifecycle("dispatched")
    with pytest.raises(ValidationError) as error:
        services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="  ")
    assert "reason" in error.value.message_dict


# --- sign and contact -------------------------------------------------------------------------


def test_sign_and_contact_records_first_contact(lifecycle, staff, frozen):
    ticket = lifecycle("dispatched")
    frozen.shift(2 * 3600)
    ticket = services.ticket_sign_and_contact(
        ticket_id=ticket.pk, actor=staff["head"], method="visit", contacted_at=T0 + H
    )
    assert ticket.status == Status.IN_PROGRESS and ticket.contacted_at == T0 + H
    assert ticket.due_at == ticket.reply_due_at
    lead = ticket.assignments.get(role="lead")
    assert lead.signed_at == T0 + 2 * H and lead.contact_method == "visit"
    assert last_event(ticket).data["on_time"] is True


def test_contact_time_cannot_be_in_the_future_or_before_dispatch(lifecycle, staff, frozen):
    ticket = lifecycle("dispatched")
    for when in (T0 + H, T0 - H):
        with pytest.raises(ValidationError) as error:
            services.ticket_sign_and_contact(
                ticket_id=ticket.pk, actor=staff["handler"], method="phone", contacted_at=when
            )
        assert "contacted_at" in error.value.message_dict


def test_co_unit_cannot_sign(lifecycle, staff, units):
    ticket = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=staff["dispatcher"],
        lead=units["street"],
        co_units=[units["bureau"]],
    )
    with pytest.raises(NotPermitted):
        services.ticket_sign_and_contact(
            ticket_id=ticket.pk, actor=staff["bureau_handler"], method="phone"
        )


# --- extension ---------------------------------------------------------------------------------


def test_extension_request_and_approval_moves_reply_deadline(lifecycle, staff, frozen):
    ticket = lifecycle("in_progress")
    new_due = ticket.reply_due_at + 5 * D
    extension = services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调产权单位", reply_due_at=new_due
    )
    assert extension.decision == Extension.Decision.PENDING
    request_event = last_event(ticket)
    assert request_event.action == "request_extension" and not request_event.public
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.reply_due_at == T0 + 7 * D
    extension = services.ticket_decide_extension(
        ticket_id=ticket.pk, actor=staff["dispatcher"], approve=True
    )
    ticket.refresh_from_db()
    assert extension.decision == Extension.Decision.APPROVED
    assert ticket.reply_due_at == new_due and ticket.due_at == new_due
    assert ticket.assignments.get(role="lead").reply_due_at == new_due
    decision = last_event(ticket)
    assert decision.public and decision.note == "需协调产权单位"


def test_extension_rejection_keeps_deadline_and_needs_reason(lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="x",
        reply_due_at=ticket.reply_due_at + D,
    )
    with pytest.raises(ValidationError):
        services.ticket_decide_extension(
            ticket_id=ticket.pk, actor=staff["dispatcher"], approve=False
        )
    services.ticket_decide_extension(
        ticket_id=ticket.pk, actor=staff["dispatcher"], approve=False, note="可按期办结"
    )
    due = ticket.reply_due_at
    ticket.refresh_from_db()
    assert ticket.reply_due_at == due and not last_event(ticket).public


def test_extension_only_while_in_progress(lifecycle, staff):
    ticket = lifecycle("dispatched")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_request_extension(
            ticket_id=ticket.pk,
            actor=staff["handler"],
            reason="x",
            reply_due_at=ticket.reply_due_at + D,
        )


def test_extension_must_move_the_deadline_later(lifecycle, staff):
    ticket = lifecycle("in_progress")
    with pytest.raises(ValidationError) as error:
        services.ticket_request_extension(
            ticket_id=ticket.pk,
            actor=staff["handler"],
            reason="x",
            reply_due_at=ticket.reply_due_at,
        )
    assert "reply_due_at" in error.value.message_dict


def test_second_pending_extension_is_refused(lifecycle, staff):
    ticket = lifecycle("in_progress")
    due = ticket.reply_due_at + D
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="x", reply_due_at=due
    )
    with pytest.raises(RuleViolation):
        services.ticket_request_extension(
            ticket_id=ticket.pk, actor=staff["handler"], reason="y", reply_due_at=due
        )


def test_decision_without_request_is_refused(lifecycle, staff):
    ticket = lifecycle("in_progress")
    with pytest.raises(RuleViolation):
        services.ticket_decide_extension(
            ticket_id=ticket.pk, actor=staff["dispatcher"], approve=True
        )


def test_only_a_dispatcher_decides_extensions(lifecycle, staff):
    ticket = lifecycle("in_progress")
    services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="x",
        reply_due_at=ticket.reply_due_at + D,
    )
    with pytest.raises(NotPermitted):
        services.ticket_decide_extension(ticket_id=ticket.pk, actor=staff["head"], approve=True)


# --- notes and supervision ---------------------------------------------------------------------


def test_co_unit_adds_a_note_for_the_lead(lifecycle, staff, units):
    ticket = lifecycle("accepted")
    services.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=staff["dispatcher"],
        lead=units["street"],
        co_units=[units["bureau"]],
    )
    event = services.ticket_add_note(
        ticket_id=ticket.pk, actor=staff["bureau_handler"], text="已现场勘查"
    )
    assert event.unit == units["bureau"] and not event.public
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_unrelated_unit_cannot_add_a_note(lifecycle, staff):
    ticket = lifecycle("dispatched")
    with pytest.raises(NotPermitted):
        services.ticket_add_note(ticket_id=ticket.pk, actor=staff["other_handler"], text="x")


def test_note_on_closed_ticket_is_refused(lifecycle, staff):
    ticket = lifecycle("closed")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_add_note(ticket_id=ticket.pk, actor=staff["operator"], text="x")


def test_supervise_marks_the_ticket(lifecycle, staff):
    ticket = lifecycle("in_progress")
    ticket = services.ticket_supervise(
        ticket_id=ticket.pk, actor=staff["supervisor"], instruction="三日内办结"
    )
    assert ticket.supervised and ticket.status == Status.IN_PROGRESS
    event = last_event(ticket)
    assert event.action == "supervise" and event.note == "三日内办结" and not event.public


def test_only_supervisors_supervise(lifecycle, staff):
    ticket = lifecycle("in_progress")
    with pytest.raises(NotPermitted):
        services.ticket_supervise(ticket_id=ticket.pk, actor=staff["operator"], instruction="x")


# --- reply ---------------------------------------------------------------------------------


def test_reply_sets_callback_deadline(lifecycle, staff, frozen):
    ticket = lifecycle("in_progress")
    frozen.shift(2 * 86400)
    ticket = services.ticket_reply(
        ticket_id=ticket.pk, actor=staff["handler"], text="已补装楼牌号。"
    )
    assert ticket.status == Status.REPLIED and ticket.reply_text == "已补装楼牌号。"
    assert ticket.callback_due_at == T0 + 2 * D + 3 * D
    assert ticket.due_at == ticket.callback_due_at
    assert last_event(ticket).public and last_event(ticket).data["on_time"] is True


def test_late_reply_callback_counts_from_reply_deadline(lifecycle, staff, frozen):
    ticket = lifecycle("in_progress")
    frozen.shift(9 * 86400)
    ticket = services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已处理。")
    assert ticket.callback_due_at == T0 + 7 * D + 3 * D
    assert last_event(ticket).data["on_time"] is False


def test_reply_straight_from_dispatched(lifecycle, staff):
    ticket = lifecycle("dispatched")
    ticket = services.ticket_reply(ticket_id=ticket.pk, actor=staff["handler"], text="已处理。")
    assert ticket.status == Status.REPLIED


def test_reply_refused_before_dispatch_and_to_others(lifecycle, staff):
    accepted = lifecycle("accepted")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_reply(ticket_id=accepted.pk, actor=staff["handler"], text="x")
    dispatched = lifecycle("dispatched")
    with pytest.raises(NotPermitted):
        services.ticket_reply(ticket_id=dispatched.pk, actor=staff["other_handler"], text="x")
    with pytest.raises(ValidationError):
        services.ticket_reply(ticket_id=dispatched.pk, actor=staff["handler"], text="")


# --- callback and reopen ---------------------------------------------------------------------


def test_callback_closes_with_verdict(lifecycle, staff, units):
    ticket = lifecycle("replied")
    callback = services.ticket_record_callback(
        ticket_id=ticket.pk,
        actor=staff["callback"],
        contacted=True,
        solved=True,
        satisfaction="basically",
        comment="基本满意",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.outcome == "handled" and ticket.due_at is None
    assert callback.valid and callback.unit == units["street"] and callback.source == "operator"
    assert last_event(ticket).data["satisfaction"] == "basically"


def test_resident_rates_on_tracking_page(lifecycle):
    ticket = lifecycle("replied")
    callback = services.ticket_record_callback(
        ticket_id=ticket.pk, actor=None, contacted=True, solved=False, satisfaction="unsatisfied"
    )
    assert callback.source == "resident" and callback.recorded_by is None


def test_unreachable_resident_gives_invalid_callback(lifecycle, staff):
    ticket = lifecycle("replied")
    callback = services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], reachable=False
    )
    assert not callback.valid and callback.satisfaction == ""
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_anonymous_ticket_only_takes_invalid_callback(lifecycle, staff):
    ticket = lifecycle("replied", anonymous=True)
    with pytest.raises(RuleViolation):
        services.ticket_record_callback(
            ticket_id=ticket.pk,
            actor=staff["callback"],
            contacted=True,
            solved=True,
            satisfaction="satisfied",
        )
    services.ticket_record_callback(ticket_id=ticket.pk, actor=staff["callback"], reachable=False)
    assert Callback.objects.get(ticket=ticket).valid is False


def test_callback_needs_complete_answers(lifecycle, staff):
    ticket = lifecycle("replied")
    with pytest.raises(ValidationError) as error:
        services.ticket_record_callback(
            ticket_id=ticket.pk, actor=staff["callback"], satisfaction="great"
        )
    assert {"contacted", "solved", "satisfaction"} <= error.value.message_dict.keys()


def test_callback_refused_to_handlers_and_before_reply(lifecycle, staff):
    replied = lifecycle("replied")
    with pytest.raises(NotPermitted):
        services.ticket_record_callback(
            ticket_id=replied.pk,
            actor=staff["handler"],
            contacted=True,
            solved=True,
            satisfaction="satisfied",
        )
    in_progress = lifecycle("in_progress")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_record_callback(
            ticket_id=in_progress.pk,
            actor=None,
            contacted=True,
            solved=True,
            satisfaction="satisfied",
        )


def test_reopen_after_unsolved_callback(lifecycle, staff, units, frozen):
    ticket = lifecycle("replied")
    services.ticket_record_callback(
        ticket_id=ticket.pk,
        actor=staff["callback"],
        contacted=True,
        solved=False,
        satisfaction="unsatisfied",
    )
    frozen.shift(3600)
    ticket = services.ticket_reopen(
        ticket_id=ticket.pk, actor=staff["supervisor"], reason="市民反映未解决"
    )
    assert ticket.status == Status.ACCEPTED and ticket.round == 2 and ticket.outcome == ""
    assert ticket.lead_unit is None and ticket.replied_at is None and ticket.reply_text == ""
    assert ticket.dispatch_due_at == T0 + H + 24 * H
    assert not ticket.assignments.filter(active=True).exists()
    ticket = services.ticket_dispatch(
        ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"]
    )
    assert ticket.assignments.filter(active=True, role="lead").get().round == 2
    actions = [e.action for e in events_of(ticket)]
    assert actions == [
        *("submit", "accept", "dispatch", "sign_and_contact", "reply", "record_callback"),
        *("reopen", "dispatch"),
    ]


def test_reopen_refused_while_open_and_to_handlers(lifecycle, staff):
    open_ticket = lifecycle("in_progress")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_reopen(ticket_id=open_ticket.pk, actor=staff["operator"], reason="x")
    closed = lifecycle("closed")
    with pytest.raises(NotPermitted):
        services.ticket_reopen(ticket_id=closed.pk, actor=staff["handler"], reason="x")


# --- whole paths -------------------------------------------------------------------------


def test_happy_path_trajectory(lifecycle):
    ticket = lifecycle("closed")
    trail = [(e.action, e.from_status, e.to_status) for e in events_of(ticket)]
    assert trail == [
        ("submit", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("dispatch", "accepted", "dispatched"),
        ("sign_and_contact", "dispatched", "in_progress"),
        ("reply", "in_progress", "replied"),
        ("record_callback", "replied", "closed"),
    ]
    assert all(e.public for e in events_of(ticket))


def _with_pending_extension(t, s, u):
    services.ticket_request_extension(
        ticket_id=t.pk, actor=s["handler"], reason="x", reply_due_at=t.reply_due_at + D
    )
    return t


# action: (status to start from, optional preparation, the call)
EVERY_ACTION = {
    "accept": ("submitted", None, lambda t, s, u: services.ticket_accept(
        ticket_id=t.pk, actor=s["operator"])),
    "answer_directly": ("accepted", None, lambda t, s, u: services.ticket_answer_directly(
        ticket_id=t.pk, actor=s["operator"], answer="答复")),
    "close_at_intake": ("submitted", None, lambda t, s, u: services.ticket_close_at_intake(
        ticket_id=t.pk, actor=s["operator"], outcome="invalid", note="无效")),
    "dispatch": ("accepted", None, lambda t, s, u: services.ticket_dispatch(
        ticket_id=t.pk, actor=s["dispatcher"], lead=u["street"])),
    "return": ("dispatched", None, lambda t, s, u: services.ticket_return(
        ticket_id=t.pk, actor=s["handler"], reason="不属于本辖区")),
    "sign_and_contact": ("dispatched", None, lambda t, s, u: services.ticket_sign_and_contact(
        ticket_id=t.pk, actor=s["handler"], method="phone")),
    "request_extension": ("in_progress", None, lambda t, s, u: services.ticket_request_extension(
        ticket_id=t.pk, actor=s["handler"], reason="x", reply_due_at=t.reply_due_at + D)),
    "decide_extension": ("in_progress", _with_pending_extension,
        lambda t, s, u: services.ticket_decide_extension(
            ticket_id=t.pk, actor=s["dispatcher"], approve=True)),
    "add_note": ("dispatched", None, lambda t, s, u: services.ticket_add_note(
        ticket_id=t.pk, actor=s["operator"], text="x")),
    "supervise": ("in_progress", None, lambda t, s, u: services.ticket_supervise(
        ticket_id=t.pk, actor=s["supervisor"], instruction="x")),
    "reply": ("in_progress", None, lambda t, s, u: services.ticket_reply(
        ticket_id=t.pk, actor=s["handler"], text="ok")),
    "record_callback": ("replied", None, lambda t, s, u: services.ticket_record_callback(
        ticket_id=t.pk, actor=s["callback"], contacted=True, solved=True,
        satisfaction="satisfied")),
    "request_reopen": ("closed", None, lambda t, s, u: services.ticket_request_reopen(
        ticket_id=t.pk, actor=None, reason="未解决")),
    "reopen": ("closed", None, lambda t, s, u: services.ticket_reopen(
        ticket_id=t.pk, actor=s["supervisor"], reason="未解决")),
}  # fmt: skip


@pytest.mark.parametrize("action", EVERY_ACTION)
def test_each_action_writes_exactly_one_event(lifecycle, staff, units, action):
    status, prepare, call = EVERY_ACTION[action]
    ticket = lifecycle(status, kind="consultation")
    if prepare:
        prepare(ticket, staff, units)
    before = TicketEvent.objects.filter(ticket=ticket).count()
    call(ticket, staff, units)
    assert TicketEvent.objects.filter(ticket=ticket).count() == before + 1
    event = last_event(ticket)
    ticket.refresh_from_db()
    assert event.action == action and event.to_status == ticket.status


def test_one_event_table_covers_every_action_after_creation():
    creation = {Action.SUBMIT, Action.PHONE_INTAKE}  # tested by the intake tests above
    assert set(EVERY_ACTION) == {a.value for a in Action} - creation


def test_inactive_staff_user_is_refused(lifecycle, staff):
    ticket = lifecycle("submitted")
    staff["operator"].is_active = False
    with pytest.raises(NotPermitted):
        services.ticket_accept(ticket_id=ticket.pk, actor=staff["operator"])


def test_resident_asks_to_reopen_and_the_dispatcher_reopens(lifecycle, staff):
    ticket = lifecycle("closed")
    event = services.ticket_request_reopen(ticket_id=ticket.pk, actor=None, reason="楼牌还是没装")
    assert event.public and event.to_status == Status.CLOSED
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.reopen_requested_at is not None
    with pytest.raises(RuleViolation):
        services.ticket_request_reopen(ticket_id=ticket.pk, actor=None, reason="再次申请")
    ticket = services.ticket_reopen(
        ticket_id=ticket.pk, actor=staff["dispatcher"], reason="市民申请"
    )
    assert ticket.status == Status.ACCEPTED and ticket.reopen_requested_at is None


def test_reopen_request_needs_a_reason_and_a_closed_ticket(lifecycle, staff):
    closed = lifecycle("closed")
    with pytest.raises(ValidationError):
        services.ticket_request_reopen(ticket_id=closed.pk, actor=None, reason=" ")
    open_ticket = lifecycle("replied")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_request_reopen(ticket_id=open_ticket.pk, actor=None, reason="x")
    with pytest.raises(NotPermitted):
        services.ticket_request_reopen(ticket_id=closed.pk, actor=staff["handler"], reason="x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_are_taken_in_one_round_trip_of_their_own():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from psycopg.pq import TransactionStatus

    from tickets import numbering
    from tickets.models import TicketNumberCounter

    day = datetime(2026, 11, 24).date()
    with CaptureQueriesContext(connection) as queries:
        first = numbering.allocate(day)
        second = numbering.allocate(day, 3)
    assert (list(first), list(second)) == ([1], [2, 3, 4])
    assert len(queries) == 2  # one statement string each: begin, upsert, commit
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert TicketNumberCounter.objects.get(day=day).last == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_number_upsert_leaves_no_transaction_open():
    from django.db import DatabaseError, connection
    from psycopg.pq import TransactionStatus

    from tickets import numbering

    with pytest.raises(DatabaseError):
        numbering.allocate(datetime(2026, 11, 24).date(), count=-(2**40))  # not an integer column
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert numbering.allocate(datetime(2026, 11, 24).date()) == range(1, 2)
