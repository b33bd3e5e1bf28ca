"""Every workflow action through the admin: offered to the right role, performed by the service,
refused (with a message, nothing changed) to the wrong one."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from departments.models import Department, DispatchRule
from tickets import services
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


DAY = timedelta(days=1)


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def pending_extension(ticket, staff, units):
    services.ticket_request_extension(
        ticket_id=ticket.pk,
        actor=staff["handler"],
        reason="需协调",
        reply_due_at=ticket.reply_due_at + timedelta(days=3),
    )


# action slug: (start status, who may, who may not, POST data (callable), status after,
#               preparation)
CASES = {
    "accept": (
        "submitted", "operator", "handler",
        lambda t, u: {"kind": "complaint", "category": t.category_id, "urgency": t.urgency_id,
                      "region": t.region_id, "note": ""},
        "accepted", None,
    ),
    "answer-directly": (
        "accepted", "operator", "callback",
        lambda t, u: {"answer": "可通过政务服务网办理。"}, "closed", None,
    ),
    "close-at-intake": (
        "submitted", "dispatcher", "supervisor",
        lambda t, u: {"outcome": "referred", "referred_to": "110", "note": ""}, "closed", None,
    ),
    "dispatch": (
        "accepted", "dispatcher", "operator",
        lambda t, u: {"lead": u["street"].pk, "co_units": [u["bureau"].pk], "note": "请尽快办理"},
        "dispatched", None,
    ),
    "return": (
        "dispatched", "handler", "bureau_handler",
        lambda t, u: {"reason": "不属于本辖区"}, "accepted", None,
    ),
    "sign-and-contact": (
        "dispatched", "head", "other_handler",
        lambda t, u: {"method": "phone", "contacted_at": local(timezone.now()), "note": ""},
        "in_progress", None,
    ),
    "request-extension": (
        "in_progress", "handler", "dispatcher",
        lambda t, u: {"reason": "需协调", "reply_due_at": local(t.reply_due_at + 5 * DAY)},
        "in_progress", None,
    ),
    "decide-extension": (
        "in_progress", "dispatcher", "handler",
        lambda t, u: {"decision": "approve", "reply_due_at": "", "note": ""},
        "in_progress", pending_extension,
    ),
    "add-note": (
        "dispatched", "operator", "bureau_handler", lambda t, u: {"text": "已电话催办"},
        "dispatched", None,
    ),
    "supervise": (
        "in_progress", "supervisor", "operator", lambda t, u: {"instruction": "三日内办结"},
        "in_progress", None,
    ),
    "reply": (
        "in_progress", "handler", "other_handler", lambda t, u: {"text": "已补装楼牌号。"},
        "replied", None,
    ),
    "record-callback": (
        "replied", "callback", "handler",
        lambda t, u: {"reachable": "1", "contacted": "1", "solved": "0",
                      "satisfaction": "unsatisfied", "comment": "还没装"},
        "closed", None,
    ),
    "request-reopen": (
        "closed", "callback", "handler", lambda t, u: {"reason": "市民反映未解决"}, "closed", None,
    ),
    "reopen": (
        "closed", "supervisor", "callback", lambda t, u: {"reason": "市民反映未解决"},
        "accepted", None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("slug", CASES)
def test_action_is_offered_and_performed_for_its_role(client, lifecycle, staff, units, slug):
    status, who, _not, data, after, prepare = CASES[slug]
    ticket = lifecycle(status, kind="consultation")  # a consultation may be answered directly
    if prepare:
        prepare(ticket, staff, units)
    client.force_login(staff[who])
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, slug])
    assert url.encode() in page.content, f"{slug} not offered to {who}"
    assert client.get(url).status_code == 200
    before = TicketEvent.objects.filter(ticket=ticket).count()
    response = client.post(url, data(ticket, units))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    ticket.refresh_from_db()
    assert ticket.status == after
    assert TicketEvent.objects.filter(ticket=ticket).count() == before + 1
    assert TicketEvent.objects.filter(ticket=ticket).latest(
        "created_at", "pk"
    ).action == slug.replace("-", "_")


@pytest.mark.parametrize("slug", CASES)
def test_action_is_refused_to_the_wrong_role(client, lifecycle, staff, units, slug):
    status, _who, wrong, data, _after, prepare = CASES[slug]
    ticket = lifecycle(status, kind="consultation")  # a consultation may be answered directly
    if prepare:
        prepare(ticket, staff, units)
    before = TicketEvent.objects.filter(ticket=ticket).count()
    client.force_login(staff[wrong])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, slug])
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    if page.status_code == 200:
        assert url.encode() not in page.content
    response = client.post(url, data(ticket, units))
    assert response.status_code in (302, 404)
    ticket.refresh_from_db()
    assert ticket.status == status
    assert TicketEvent.objects.filter(ticket=ticket).count() == before


def test_domain_error_becomes_an_admin_message(client, lifecycle, staff, units):
    """A second return by the same unit is refused by the service; the admin says why."""
    ticket = lifecycle("dispatched")
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=units["street"])
    client.force_login(staff["handler"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "return"])
    response = client.post(url, {"reason": "再次退回"}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "该单位已退回过此工单一次。"
    ]  # "This unit has already returned this ticket once."
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"


def test_service_validation_error_shows_beside_the_field(client, lifecycle, staff):
    ticket = lifecycle("in_progress")
    client.force_login(staff["handler"])
    url = reverse("admin:tickets_ticket_act", args=[ticket.pk, "request-extension"])
    earlier = local(ticket.reply_due_at - timedelta(days=1))
    response = client.post(url, {"reason": "需协调", "reply_due_at": earlier})
    assert response.status_code == 200
    assert "reply_due_at" in response.context["form"].errors


def test_dispatch_form_preselects_the_catalogue_suggestion(
    client, lifecycle, staff, units, category
):
    from departments.models import Department, DispatchRule

    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    ticket = lifecycle("accepted")
    client.force_login(staff["dispatcher"])
    response = client.get(reverse("admin:tickets_ticket_act", args=[ticket.pk, "dispatch"]))
    assert response.context["form"].initial["lead"] == units["street"].pk


def test_after_a_return_the_dispatch_form_suggests_another_unit(
    client, lifecycle, staff, units, category
):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    ticket = lifecycle("dispatched")
    services.ticket_return(ticket_id=ticket.pk, actor=staff["handler"], reason="不属于本辖区")
    client.force_login(staff["dispatcher"])
    response = client.get(reverse("admin:tickets_ticket_act", args=[ticket.pk, "dispatch"]))
    assert response.context["form"].initial["lead"] == units["district"].pk


def test_duplicate_form_lists_possible_originals(client, lifecycle, staff):
    original = lifecycle("accepted")
    copy = lifecycle("submitted")
    client.force_login(staff["operator"])
    response = client.get(reverse("admin:tickets_ticket_act", args=[copy.pk, "close-at-intake"]))
    assert original in list(response.context["candidates"])


def test_unknown_action_is_a_404(client, lifecycle, staff):
    ticket = lifecycle("submitted")
    client.force_login(staff["operator"])
    assert client.get(f"/admin/tickets/ticket/{ticket.pk}/act/teleport/").status_code == 404


def test_bulk_dispatch_dispatches_each_and_reports_refusals(client, lifecycle, staff, units):
    first, second = lifecycle("accepted"), lifecycle("accepted")
    already = lifecycle("dispatched")
    client.force_login(staff["dispatcher"])
    response = client.post(
        reverse("admin:tickets_ticket_changelist") + "?status=all",
        {
            "action": "dispatch_selected",
            "_selected_action": [first.pk, second.pk, already.pk],
            "apply": "1",
            "lead": units["other_street"].pk,
            "note": "",
        },
        follow=True,
    )
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == "dispatched" and ticket.lead_unit == units["other_street"]
    already.refresh_from_db()
    assert already.lead_unit == units["street"]
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(already.number in t for t in texts)


def test_bulk_dispatch_to_suggested_units_sends_each_to_its_own(
    client, lifecycle, staff, units, city, category
):
    DispatchRule.objects.create(category=category, unit_kind=Department.Kind.STREET_OFFICE)
    here = lifecycle("accepted")  # 胜古南社区 → 和平街街道办事处
    there = lifecycle("accepted", region=city["anzhen"])  # → 安贞街道办事处
    unsuggested = lifecycle("accepted")
    Ticket.objects.filter(pk=unsuggested.pk).update(suggested_unit=None)
    client.force_login(staff["dispatcher"])
    selected = {"action": "dispatch_to_suggested", "_selected_action": [here.pk, there.pk]}
    url = reverse("admin:tickets_ticket_changelist")
    confirm = client.post(url, {**selected, "_selected_action": [here.pk, unsuggested.pk]})
    assert f"{here.number} → 和平街街道办事处" in confirm.text
    assert f"{unsuggested.number} → 无建议" in confirm.text
    response = client.post(
        url,
        {**selected, "_selected_action": [here.pk, there.pk, unsuggested.pk], "apply": "1"},
        follow=True,
    )
    for ticket, unit in ((here, units["street"]), (there, units["other_street"])):
        ticket.refresh_from_db()
        assert ticket.status == "dispatched" and ticket.lead_unit == unit
    unsuggested.refresh_from_db()
    assert unsuggested.status == "accepted"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已派单 2 件工单。" in texts
    assert any(unsuggested.number in t for t in texts)


def test_only_dispatchers_are_offered_the_suggested_dispatch(client, staff):
    url = reverse("admin:tickets_ticket_changelist")
    client.force_login(staff["dispatcher"])
    assert 'value="dispatch_to_suggested"' in client.get(url).text
    client.force_login(staff["handler"])
    assert 'value="dispatch_to_suggested"' not in client.get(url).text
