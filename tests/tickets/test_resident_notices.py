"""The resident's notices: which changes send one, to which channels, and what an SMS may say."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from tickets import notice_texts, outbox, resident_notices, services
from tickets.models import Notification, TicketEvent
from tickets.sla import SHANGHAI
from tickets.workflow import Action

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
D = timedelta(days=1)
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def committed(django_capture_on_commit_callbacks, monkeypatch):
    """Run on-commit work (the deliveries, then the signal) as a real commit would; collect what
    would be enqueued."""
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    run.queued = queued
    return run


def resident_rows(ticket=None):
    rows = Notification.objects.filter(recipient__isnull=True)
    if ticket is not None:
        rows = rows.filter(ticket=ticket)
    return list(rows.order_by("pk").values_list("kind", "channel"))


def test_web_submission_tells_the_resident_by_sms_and_email(submit, committed, frozen):
    ticket = committed(submit, contact_email="lxz@example.org")
    assert resident_rows(ticket) == [("submitted", "sms"), ("submitted", "email")]
    event = TicketEvent.objects.get(ticket=ticket)
    assert set(Notification.objects.values_list("deadline", flat=True)) == {event.created_at}
    assert sorted(committed.queued) == sorted(Notification.objects.values_list("pk", flat=True))


def test_every_step_the_resident_hears_about(lifecycle, staff, units, committed, frozen):
    ticket = committed(lifecycle, "in_progress")
    committed(
        services.ticket_request_extension,
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需协调",
        reply_due_at=ticket.reply_due_at + D,
    )
    committed(
        services.ticket_decide_extension, ticket_id=ticket.pk, actor=staff["dispatcher"],
        approve=True,
    )  # fmt: skip
    committed(services.ticket_reply, ticket_id=ticket.pk, actor=staff["handler"], text="已安装")
    committed(
        services.ticket_record_callback, ticket_id=ticket.pk, actor=staff["callback"],
        contacted=True, solved=False, satisfaction="unsatisfied",
    )  # fmt: skip
    committed(
        services.ticket_reopen, ticket_id=ticket.pk, actor=staff["supervisor"], reason="未解决"
    )
    kinds = [kind for kind, _channel in resident_rows(ticket)]
    assert kinds == [
        *("submitted", "accepted", "dispatched", "extended", "replied"),
        *("called_back", "reopened"),
    ]
    extended = Notification.objects.get(kind=Kind.EXTENDED)
    assert extended.data["due"] == (ticket.reply_due_at + D).isoformat()


def test_a_rejected_extension_is_not_announced(lifecycle, staff, committed):
    ticket = lifecycle("in_progress")
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调",
        reply_due_at=ticket.reply_due_at + D,
    )  # fmt: skip
    committed(
        services.ticket_decide_extension, ticket_id=ticket.pk, actor=staff["dispatcher"],
        approve=False, note="时限内可办结",
    )  # fmt: skip
    assert resident_rows(ticket) == [
        ("submitted", "sms"),
        ("accepted", "sms"),
        ("dispatched", "sms"),
    ]


def test_a_phone_ticket_is_announced_as_accepted(intake, staff, committed):
    data = {k: v for k, v in intake.items() if k != "channel"}
    ticket = committed(services.ticket_create_from_call, actor=staff["operator"], **data)
    assert resident_rows(ticket) == [("accepted", "sms")]


def test_nothing_is_sent_for_an_anonymous_ticket(lifecycle, staff, committed):
    ticket = committed(lifecycle, "replied", anonymous=True, contact_phone="", contact_name="")
    committed(
        services.ticket_record_callback, ticket_id=ticket.pk, actor=staff["callback"],
        reachable=False,
    )  # fmt: skip
    committed(services.ticket_reopen, ticket_id=ticket.pk, actor=staff["supervisor"], reason="复查")
    assert TicketEvent.objects.filter(ticket=ticket).count() >= 6
    assert resident_rows() == []


def test_the_notice_is_stored_with_its_event_or_not_at_all(submit, committed, intake):
    def refuse(ticket):
        raise RuntimeError("the adapter failed after the event was written")

    with pytest.raises(RuntimeError):
        committed(services.ticket_submit, actor=None, after_create=refuse, **intake)
    assert TicketEvent.objects.count() == 0
    assert resident_rows() == [] and committed.queued == []


def test_the_database_refuses_a_second_notice_for_one_event(submit, committed):
    ticket = committed(submit)
    event = TicketEvent.objects.get(ticket=ticket)
    with pytest.raises(IntegrityError), transaction.atomic():
        resident_notices.write(ticket, Action.SUBMIT, event)
    assert resident_rows(ticket) == [("submitted", "sms")]
    assert len(committed.queued) == 1


def test_the_resident_is_written_to_in_the_language_they_submitted_in(submit, staff, committed):
    with translation.override("en"):
        ticket = committed(submit)
    committed(services.ticket_accept, ticket_id=ticket.pk, actor=staff["operator"])
    assert set(Notification.objects.values_list("language", flat=True)) == {"en"}
    accepted = Notification.objects.get(kind=Kind.ACCEPTED)
    text = notice_texts.render(accepted).body
    assert f"Your demand {ticket.number} has been accepted" in text


def test_sms_texts_carry_no_one_elses_data(lifecycle, submit, staff, units, committed, frozen):
    """Every SMS kind for one resident, with another resident's ticket and named staff about."""
    staff["handler"].first_name, staff["handler"].last_name = "欧阳", "铁柱"
    staff["handler"].save()
    other = submit(contact_name="赵六", contact_phone="13900001111", address="别处9号")
    ticket = committed(lifecycle, "in_progress", contact_email="lxz@example.org")
    committed(
        services.ticket_request_extension, ticket_id=ticket.pk, actor=staff["handler"],
        reason="需协调欧阳铁柱", reply_due_at=ticket.reply_due_at + D,
    )  # fmt: skip
    committed(
        services.ticket_decide_extension, ticket_id=ticket.pk, actor=staff["dispatcher"],
        approve=True,
    )  # fmt: skip
    committed(
        services.ticket_reply, ticket_id=ticket.pk, actor=staff["handler"],
        text="欧阳铁柱已联系赵六，电话13900001111",
    )  # fmt: skip
    sms = Notification.objects.filter(ticket=ticket, channel="sms")
    assert set(sms.values_list("kind", flat=True)) == {
        "submitted", "accepted", "dispatched", "extended", "replied",
    }  # fmt: skip
    forbidden = [
        other.number, other.access_code, "13900001111", "赵六", "别处9号",  # another resident
        "欧阳", "铁柱", "handler", "dispatcher", "operator",  # staff
        "李雪贞", "13812345678", "12号楼", "楼牌号",  # even their own contact, address, problem
    ]  # fmt: skip
    for row in sms:
        text = notice_texts.render(row).body
        assert ticket.number in text
        assert [word for word in forbidden if word in text] == []
    accepted = notice_texts.render(sms.get(kind=Kind.ACCEPTED)).body
    assert ticket.access_code in accepted
    replied = notice_texts.render(sms.get(kind=Kind.REPLIED)).body
    assert f"/track/?number={ticket.number}" in replied and units["street"].name in replied


def test_the_reply_email_carries_the_reply_and_the_rating_link(lifecycle, staff, committed):
    ticket = committed(lifecycle, "in_progress", contact_email="lxz@example.org")
    committed(services.ticket_reply, ticket_id=ticket.pk, actor=staff["handler"], text="已安装楼牌")
    email = Notification.objects.get(kind=Kind.REPLIED, channel="email")
    text = notice_texts.render(email)
    assert ticket.number in text.subject
    assert "已安装楼牌" in text.body
    assert f"http://127.0.0.1:8000/track/?number={ticket.number}" in text.body


def test_callback_result_tells_how_to_ask_for_reopening(lifecycle, staff, committed):
    from tickets.notice_texts import render

    ticket = committed(lifecycle, "replied")
    committed(
        services.ticket_record_callback, ticket_id=ticket.pk, actor=staff["callback"],
        contacted=True, solved=False, satisfaction="unsatisfied",
    )  # fmt: skip
    notice = Notification.objects.get(ticket=ticket, kind=Kind.CALLED_BACK)
    assert notice.data["solved"] is False
    text = render(notice).body
    assert ticket.number in text and "/track/?number=" in text
    assert "13812345678" not in text and "李雪贞" not in text


def test_no_callback_notice_when_the_resident_rated_it_or_was_not_reached(
    lifecycle, staff, committed
):
    rated = committed(lifecycle, "replied")
    committed(
        services.ticket_record_callback, ticket_id=rated.pk, actor=None,
        contacted=True, solved=True, satisfaction="satisfied",
    )  # fmt: skip
    unreachable = committed(lifecycle, "replied")
    committed(
        services.ticket_record_callback, ticket_id=unreachable.pk, actor=staff["callback"],
        reachable=False,
    )  # fmt: skip
    assert not Notification.objects.filter(kind=Kind.CALLED_BACK).exists()


def dispatched_texts(ticket, channel="sms"):
    rows = Notification.objects.filter(ticket=ticket, kind=Kind.DISPATCHED, channel=channel)
    return [notice_texts.render(row).body for row in rows.order_by("pk")]


def test_a_redispatch_after_a_return_names_the_unit_that_now_handles_it(
    lifecycle, staff, units, committed, frozen
):
    with translation.override("en"):
        ticket = committed(lifecycle, "dispatched")  # to 和平街街道办事处
    committed(
        services.ticket_return, ticket_id=ticket.pk, actor=staff["handler"], reason="不属本辖区"
    )
    frozen.shift(10)
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["other_street"],
    )  # fmt: skip
    first, second = dispatched_texts(ticket)
    assert "has been sent to 和平街街道办事处" in first
    assert "is now handled by 安贞街道办事处" in second and "passed it" in second
    assert "和平街" not in second  # the unit that returned it is not named again


def test_identical_consecutive_notices_are_not_sent(lifecycle, staff, units, committed, frozen):
    """Returned twice within the minute and dispatched twice to the same unit: the resident is
    told once that it now handles the demand."""
    ticket = committed(lifecycle, "dispatched", contact_email="lxz@example.org")
    committed(services.ticket_return, ticket_id=ticket.pk, actor=staff["handler"], reason="错派")
    frozen.shift(10)
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["other_street"],
    )  # fmt: skip
    frozen.shift(10)
    committed(
        services.ticket_return, ticket_id=ticket.pk, actor=staff["other_handler"], reason="误退"
    )
    frozen.shift(10)  # still the same minute: the same reply deadline to the minute
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["other_street"],
    )  # fmt: skip
    assert TicketEvent.objects.filter(ticket=ticket, action=Action.DISPATCH).count() == 3
    for channel in ("sms", "email"):
        texts = dispatched_texts(ticket, channel)
        assert len(texts) == 2 and len(set(texts)) == 2, channel


def test_a_notice_that_says_something_new_is_sent(lifecycle, staff, units, committed, frozen):
    ticket = committed(lifecycle, "dispatched")
    committed(services.ticket_return, ticket_id=ticket.pk, actor=staff["handler"], reason="错派")
    frozen.shift(10)
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["other_street"],
    )  # fmt: skip
    frozen.shift(10)
    committed(
        services.ticket_return, ticket_id=ticket.pk, actor=staff["other_handler"], reason="误退"
    )
    frozen.shift(timedelta(hours=2))  # the same unit, but a new reply deadline
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["other_street"],
    )  # fmt: skip
    texts = dispatched_texts(ticket)
    assert len(texts) == 3 and texts[1] != texts[2]


def test_an_english_resident_reads_the_units_english_name_and_an_english_date(
    submit, staff, units, committed, frozen
):
    units["street"].name_en = "Hepingjie Subdistrict Office"
    units["street"].save()
    with translation.override("en"):
        ticket = committed(submit)
    committed(services.ticket_accept, ticket_id=ticket.pk, actor=staff["operator"])
    committed(
        services.ticket_dispatch, ticket_id=ticket.pk, actor=staff["dispatcher"],
        lead=units["street"],
    )  # fmt: skip
    (text,) = dispatched_texts(ticket)
    assert "sent to Hepingjie Subdistrict Office" in text
    assert "reply by 1 Dec 2026, 09:00" in text  # seven days, Beijing time
