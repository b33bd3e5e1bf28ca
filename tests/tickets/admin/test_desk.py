"""The staff desk after issue 15: the extension-request queue and form, units chosen by typing,
the ticket list's filters and marks, the callbacks queue's order, the blank choice label."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.urls import reverse
from django.utils import timezone, translation

from departments.models import Department
from tickets import services
from tickets.admin.forms import DispatchForm
from tickets.models import Extension, Ticket, UrgencyClass

pytestmark = pytest.mark.django_db

LIST = "admin:tickets_ticket_changelist"


@pytest.fixture(autouse=True)
def sessions_outlive_the_travel(settings):
    """These tests travel days ahead; a staff session lasts a working day (accounts.signals)."""
    settings.PORTAL_STAFF_SESSION_SECONDS = 30 * 86400


def page(client, ticket):
    return client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))


def request_extension(ticket, staff, days=5):
    return services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需协调产权单位",
        reply_due_at=ticket.reply_due_at + timedelta(days=days),
    )


def listed(response):
    return [t.number for t in response.context["cl"].result_list]


# -- item 10: extension requests -------------------------------------------------------------


def test_dispatchers_have_a_queue_of_extension_requests_to_decide(client, staff, lifecycle):
    waiting, decided, other = (lifecycle("in_progress") for _ in range(3))
    request_extension(waiting, staff)
    request_extension(decided, staff)
    services.ticket_decide_extension(ticket_id=decided.pk, actor=staff["dispatcher"], approve=True)
    client.force_login(staff["dispatcher"])
    queues = {q.key: (q, n) for q, n in client.get(reverse("admin:index")).context["queues"]}
    queue, size = queues["extensions"]
    assert size == 1
    response = client.get(reverse(LIST) + "?" + queue.url_query())
    assert listed(response) == [waiting.number]
    assert other.number not in response.text
    client.force_login(staff["handler"])
    assert "extensions" not in {
        q.key for q, _n in client.get(reverse("admin:index")).context["queues"]
    }


def test_the_extension_queue_is_ordered_by_reply_deadline(client, staff, lifecycle):
    later, sooner = lifecycle("in_progress"), lifecycle("in_progress")
    Ticket.objects.filter(pk=sooner.pk).update(
        reply_due_at=later.reply_due_at - timedelta(days=1),
        due_at=later.reply_due_at - timedelta(days=1),
    )
    for ticket in (later, sooner):
        request_extension(Ticket.objects.get(pk=ticket.pk), staff, days=9)
    client.force_login(staff["dispatcher"])
    response = client.get(reverse(LIST), {"extension": "pending"})
    assert listed(response) == [sooner.number, later.number]


def test_the_decide_form_preselects_approval_and_the_requested_deadline(client, staff, lifecycle):
    ticket = lifecycle("in_progress")
    extension = request_extension(ticket, staff)
    client.force_login(staff["dispatcher"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "decide-extension"])
    response = client.get(url)
    form = response.context["form"]
    asked = timezone.localtime(extension.requested_reply_due_at)
    assert form.initial["decision"] == "approve"
    assert f'value="{asked:%Y-%m-%dT%H:%M}"' in response.text
    assert re.search(r'value="approve"[^>]*checked', response.text)
    # Submitted as shown, it grants exactly the deadline asked for (not a minute earlier).
    assert (
        client.post(
            url, {"decision": "approve", "reply_due_at": f"{asked:%Y-%m-%dT%H:%M}", "note": ""}
        ).status_code
        == 302
    )
    ticket.refresh_from_db()
    assert ticket.reply_due_at == extension.requested_reply_due_at
    assert Extension.objects.get(pk=extension.pk).decision == "approved"


def test_the_ticket_page_shows_the_pending_request(client, staff, lifecycle):
    ticket = lifecycle("in_progress")
    request_extension(ticket, staff)
    client.force_login(staff["dispatcher"])
    text = page(client, ticket).text
    assert "延期申请待审批" in text and "需协调产权单位" in text
    assert "和平街街道办事处于" in text  # "<unit> asked on … to reply by … instead of …"


def test_the_ticket_page_shows_the_lead_units_return_deadline(client, staff, lifecycle):
    ticket = lifecycle("dispatched")
    lead = ticket.assignments.get(role="lead", active=True)
    client.force_login(staff["dispatcher"])
    response = page(client, ticket)
    labels = [row[0] for row in response.context["deadlines"]]
    assert "退单截止时间" in labels
    row = next(r for r in response.context["deadlines"] if r[0] == "退单截止时间")
    assert row[1] == lead.return_due_at and row[3] == "running"
    with time_machine.travel(lead.return_due_at + timedelta(minutes=1)):
        passed = next(
            r for r in page(client, ticket).context["deadlines"] if r[0] == "退单截止时间"
        )
    assert passed[3] == "passed"
    services.ticket_sign_and_contact(ticket_id=ticket.pk, actor=staff["handler"], method="phone")
    signed = [row[0] for row in page(client, ticket).context["deadlines"]]
    assert "退单截止时间" not in signed  # no longer returnable: the row would only distract


# -- item 11: choosing units by typing -------------------------------------------------------


def test_the_dispatch_form_chooses_units_with_the_admins_autocomplete(client, staff, lifecycle):
    ticket = lifecycle("accepted")
    client.force_login(staff["dispatcher"])
    response = client.get(reverse("admin:tickets_ticket_act", args=[ticket.pk, "dispatch"]))
    text = response.text
    assert text.count('class="admin-autocomplete') == 2  # lead and co-handling units
    assert "select2" in text and reverse("admin:autocomplete") in text
    assert 'size="6"' not in text
    # Only the chosen units are rendered, not all 108.
    assert text.count("<option") < 10


def test_the_unit_autocomplete_offers_only_active_handling_units(client, staff, units):
    Department.objects.create(
        code="st-closed", name="和平里旧街道办事处", kind="street_office", is_active=False
    )
    client.force_login(staff["dispatcher"])
    url = reverse("admin:autocomplete")
    params = {"app_label": "tickets", "model_name": "ticket", "field_name": "lead_unit"}
    found = client.get(url, {**params, "term": "和平"}).json()["results"]
    assert [r["text"] for r in found] == ["和平街街道办事处"]
    everything = {r["text"] for r in client.get(url, {**params, "term": ""}).json()["results"]}
    assert units["hotline"].name not in everything and units["bureau"].name in everything


def test_a_dispatch_through_the_autocomplete_fields_is_performed(client, staff, lifecycle, units):
    ticket = lifecycle("accepted")
    client.force_login(staff["dispatcher"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "dispatch"])
    data = {"lead": units["street"].pk, "co_units": [units["bureau"].pk], "note": ""}
    assert client.post(url, data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.lead_unit == units["street"]
    assert set(ticket.assignments.values_list("role", flat=True)) >= {"lead", "co"}


def test_an_inactive_unit_is_refused_by_the_dispatch_form(lifecycle, staff):
    ticket = lifecycle("accepted")
    closed = Department.objects.create(
        code="st-closed", name="旧街道办事处", kind="street_office", is_active=False
    )
    form = DispatchForm({"lead": closed.pk}, ticket=ticket, user=staff["dispatcher"])
    assert not form.is_valid() and "lead" in form.errors


# -- item 12: the ticket page and the list ---------------------------------------------------


def test_after_dispatch_the_page_no_longer_shows_the_suggested_unit(
    client, staff, lifecycle, units
):
    ticket = lifecycle("dispatched")  # suggested: the district government; led by the street
    assert ticket.suggested_unit == units["district"]
    client.force_login(staff["dispatcher"])
    text = page(client, ticket).text
    assert "建议承办单位" not in text and "<dt>主办单位</dt><dd>和平街街道办事处</dd>" in text


def test_the_lead_unit_filter_is_one_select_that_keeps_the_other_filters(
    client, staff, lifecycle, units
):
    for i in range(30):
        Department.objects.create(
            code=f"bj-x{i}", name=f"北京市第{i}委员会", kind="municipal_department"
        )
    lifecycle("dispatched")
    client.force_login(staff["dispatcher"])
    text = client.get(reverse(LIST), {"status": "dispatched"}).text
    assert len(re.findall(r'href="\?[^"]*unit=\d+', text)) == 0  # no link per unit
    form = re.search(r'<form method="get" class="select-filter">(.*?)</form>', text, re.S)[1]
    assert '<input type="hidden" name="status" value="dispatched">' in form
    assert form.count("<option") == 2 + Department.objects.exclude(kind="hotline_centre").count()
    assert '<optgroup label="街道（乡镇）">' in form
    filtered = client.get(reverse(LIST), {"status": "dispatched", "unit": units["street"].pk})
    assert len(listed(filtered)) == 1


def test_due_soon_marks_only_deadlines_whose_reminder_has_gone_out(client, staff, lifecycle):
    """A general ticket just dispatched has 24 hours to first contact: not "due soon" at once
    (the old 24-hour rule marked every new ticket); at 75 % of the limit it is, as the reminder."""
    ticket = lifecycle("dispatched")
    general = UrgencyClass.objects.get(pk=ticket.urgency_id)
    assert general.warn_share == pytest.approx(0.75)
    client.force_login(staff["dispatcher"])
    url = reverse(LIST)
    assert 'class="deadline soon"' not in client.get(url).text
    warned_at = ticket.dispatched_at + general.response_limit * 0.8
    with time_machine.travel(warned_at):
        assert 'class="deadline soon"' in client.get(url).text
    with time_machine.travel(ticket.due_at + timedelta(minutes=1)):
        text = client.get(url).text
        assert 'class="deadline overdue"' in text and 'class="deadline soon"' not in text


def test_only_supervised_tickets_are_marked(client, staff, lifecycle):
    _quiet, watched = lifecycle("in_progress"), lifecycle("in_progress")
    services.ticket_supervise(
        ticket_id=watched.pk, actor=staff["supervisor"], instruction="三日内办结"
    )
    client.force_login(staff["dispatcher"])
    text = client.get(reverse(LIST)).text
    assert text.count('class="supervised-mark"') == 1
    assert "icon-no.svg" not in text and "icon-yes.svg" not in text


def test_short_columns_do_not_wrap():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("tickets/admin.css")).read_text(encoding="utf-8")
    assert re.search(r"#result_list td\.field-status[^{]*\{[^}]*white-space: nowrap", css, re.S)


# -- item 13: Django 6.1's blank choice label ------------------------------------------------


def test_the_blank_choice_label_is_translated(client, staff, lifecycle):
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
    lifecycle("accepted")
    client.force_login(staff["dispatcher"])
    text = client.get(reverse(LIST)).text
    assert "- 请选择 -" in text and "Select an option" not in text
    assert "按状态" in text and "以 状态" not in text  # the filter headings


# -- item 14: callbacks by deadline ----------------------------------------------------------


def test_the_callbacks_queue_is_ordered_by_callback_deadline(client, staff, lifecycle):
    first, second, third = (lifecycle("replied") for _ in range(3))
    now = timezone.now()
    for ticket, hours in ((first, 50), (second, 5), (third, 20)):
        Ticket.objects.filter(pk=ticket.pk).update(
            callback_due_at=now + timedelta(hours=hours), due_at=now + timedelta(hours=hours)
        )
    client.force_login(staff["callback"])
    queues = {q.key: q for q, _n in client.get(reverse("admin:index")).context["queues"]}
    response = client.get(reverse(LIST) + "?" + queues["callbacks_due"].url_query())
    assert listed(response) == [second.number, third.number, first.number]
    # Other lists of the hotline stay newest first.
    everything = listed(client.get(reverse(LIST)))
    assert everything == [third.number, second.number, first.number]
