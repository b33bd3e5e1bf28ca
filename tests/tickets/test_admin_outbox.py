"""Admin: the outbox for supervisors (filters, retry), "my reminders" for every staff member."""

import pytest
from django.urls import reverse

from tickets import outbox
from tickets.models import Notification

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Status = Notification.Status
OUTBOX = reverse("admin:tickets_notification_changelist")
REMINDERS = reverse("admin:tickets_reminder_changelist")


@pytest.fixture
def rows(lifecycle, staff):
    """Three tickets, each with a notice for the handler and the supervisor besides the resident's
    own; one resident dispatch notice failed."""
    made = []
    for n in range(3):
        ticket = lifecycle("in_progress")
        for user in ("handler", "supervisor"):
            made.append(
                Notification(
                    ticket=ticket,
                    kind=Kind.REPLY_SOON,
                    recipient=staff[user],
                    channel=Notification.Channel.ADMIN,
                    status=Status.SENT,
                    deadline=ticket.reply_due_at,
                )
            )
        # The resident's dispatch notice, written by the service: one failed, two sent.
        resident = Notification.objects.get(ticket=ticket, kind=Kind.DISPATCHED, channel="sms")
        resident.status = Status.FAILED if n == 0 else Status.SENT
        resident.last_error = "DeliveryError: gateway answered 503" if n == 0 else ""
        resident.save(update_fields=["status", "last_error"])
        made.append(resident)
    outbox.create([row for row in made if row.pk is None])
    return made


def test_supervisor_filters_the_outbox_by_status(client, staff, rows):
    client.force_login(staff["supervisor"])
    response = client.get(OUTBOX, {"status__exact": "failed"})
    assert response.status_code == 200
    (failed,) = response.context["cl"].result_list
    assert failed.status == "failed"
    assert "138****5678" in response.text and "13812345678" not in response.text
    assert client.get(OUTBOX, {"status__exact": "sent"}).context["cl"].result_count == 8


def test_outbox_list_query_count_does_not_grow_with_rows(
    client, staff, rows, lifecycle, django_assert_num_queries
):
    client.force_login(staff["supervisor"])
    client.get(OUTBOX)  # warm the session and content types
    with django_assert_num_queries(7):
        assert client.get(OUTBOX).status_code == 200
    ticket = lifecycle("in_progress")
    outbox.create(
        [
            Notification(
                ticket=ticket, kind=Kind.ACCEPTED, channel="sms", deadline=ticket.accepted_at
            )
        ]
    )
    with django_assert_num_queries(7):
        assert client.get(OUTBOX).status_code == 200


def test_retry_action_queues_failed_notifications_again(client, staff, rows, monkeypatch):
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda ids, **_: queued.extend(ids))
    failed = Notification.objects.get(status=Status.FAILED)
    client.force_login(staff["supervisor"])
    response = client.post(
        OUTBOX,
        {
            "action": "retry_failed",
            "_selected_action": [
                failed.pk,
                Notification.objects.filter(status=Status.SENT).first().pk,
            ],
        },
        follow=True,
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "pending"
    assert (
        "已将 1 条失败通知重新加入发送队列。" in response.text
    )  # 1 failed notification is queued again.


def test_handlers_cannot_open_the_outbox(client, staff, rows):
    client.force_login(staff["handler"])
    assert client.get(OUTBOX).status_code == 403


def test_my_reminders_lists_only_my_own(client, staff, rows, django_assert_num_queries):
    client.force_login(staff["handler"])
    client.get(REMINDERS)
    with django_assert_num_queries(7):
        response = client.get(REMINDERS)
    listed = response.context["cl"].result_list
    assert len(listed) == 3 and {r.recipient_id for r in listed} == {staff["handler"].pk}
    other = Notification.objects.filter(recipient=staff["supervisor"]).first()
    url = reverse("admin:tickets_reminder_change", args=[other.pk])
    assert client.get(url).status_code in (302, 403)
    mine = listed[0]
    page = client.get(reverse("admin:tickets_reminder_change", args=[mine.pk]))
    assert page.status_code == 200 and mine.ticket.number in page.text


def test_supervisor_reads_one_notification_with_the_number_masked(client, staff, rows):
    failed = Notification.objects.get(status=Status.FAILED)
    client.force_login(staff["supervisor"])
    page = client.get(reverse("admin:tickets_notification_change", args=[failed.pk]))
    assert page.status_code == 200
    assert "gateway answered 503" in page.text and failed.ticket.number in page.text
    assert "138****5678" in page.text and "13812345678" not in page.text
