"""The expiry sweep: a published article past its last valid day warns its owning unit once,
through the outbox, and the warning is delivered and listed in the recipient's reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from departments.models import Membership
from departments.roles import sync_role_groups
from knowledge import sweeps
from knowledge.models import Article
from tests.factories import MembershipFactory, UserFactory
from tickets import notice_texts, outbox
from tickets.models import Notification

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
TODAY = timezone.localdate


@pytest.fixture
def expired(write):
    def make(owner=None, **fields):
        return write(
            "暖气费补贴政策（旧）",
            owner=owner,
            effective_from=TODAY() - timedelta(days=60),
            valid_until=TODAY() - timedelta(days=1),
            **fields,
        )

    return make


def warnings():
    return list(
        Notification.objects.filter(kind=Kind.ARTICLE_EXPIRED).values_list(
            "article_id", "recipient__username", "channel", "status"
        )
    )


def test_an_expired_article_warns_its_units_heads_once(expired, staff):
    staff["head"].email = "head@example.org"
    staff["head"].save()
    article = expired()
    assert sweeps.warn_expired_articles() == 1
    assert sweeps.warn_expired_articles() == 0  # a second run, or a second beat: nothing new
    assert warnings() == [(article.pk, "head", "email", "pending")]
    row = Notification.objects.get(kind=Kind.ARTICLE_EXPIRED)
    assert row.ticket is None and row.deadline == sweeps.expired_at(article.valid_until)


def test_nothing_is_due_for_articles_in_effect_or_not_published(write, expired, staff):
    write("仍有效", valid_until=TODAY())
    expired(status=Article.Status.WITHDRAWN)
    expired(status=Article.Status.DRAFT)
    assert sweeps.warn_expired_articles() == 0


def test_without_a_head_the_handlers_then_the_supervisors_are_warned(expired, staff, units):
    Membership.objects.filter(user=staff["head"]).delete()
    expired()
    sweeps.warn_expired_articles()
    assert [w[1] for w in warnings()] == ["handler"]
    Notification.objects.all().delete()
    Membership.objects.filter(department=units["street"]).delete()
    sweeps.warn_expired_articles()
    assert [w[1] for w in warnings()] == ["supervisor"]


def test_the_hotlines_own_articles_warn_its_supervisors(expired, staff, units):
    expired(owner=units["hotline"])
    sweeps.warn_expired_articles()
    assert [w[1] for w in warnings()] == ["supervisor"]


def test_a_new_expiry_date_warns_again_when_it_passes(expired, editor, staff):
    from knowledge import services

    article = expired()
    assert sweeps.warn_expired_articles() == 1
    services.article_update(
        article_id=article.pk, actor=editor, valid_until=TODAY() + timedelta(days=5)
    )
    assert sweeps.warn_expired_articles() == 0  # in effect again
    # The new date passes (here: moved into the past): a warning for that expiry.
    Article.objects.filter(pk=article.pk).update(valid_until=TODAY() - timedelta(days=2))
    assert sweeps.warn_expired_articles() == 1


def test_the_warning_is_delivered_by_email_and_names_the_article(expired, staff):
    staff["head"].email = "head@example.org"
    staff["head"].save()
    article = expired()
    sweeps.warn_expired_articles()
    row = Notification.objects.get(kind=Kind.ARTICLE_EXPIRED)
    assert outbox.deliver(row.pk).outcome == "sent"
    [message] = mail.outbox
    assert message.to == ["head@example.org"] and article.title in message.subject
    assert f"/admin/knowledge/article/{article.pk}/change/" in message.body
    assert notice_texts.render(row).subject == message.subject


def test_the_warning_is_in_the_recipients_reminders(client, expired, staff):
    expired()
    sweeps.warn_expired_articles()  # the head has no e-mail: the admin only
    assert warnings()[0][2:] == ("admin", "sent")
    staff["head"].groups.add(sync_role_groups()["unit_head"])
    client.force_login(staff["head"])
    response = client.get(reverse("admin:tickets_reminder_changelist"))
    assert response.status_code == 200
    assert "暖气费补贴政策（旧）".encode() in response.content


def test_the_celery_task_runs_the_sweep(expired, staff):
    from knowledge.tasks import warn_expired_articles

    expired()
    assert warn_expired_articles.apply().get() == 1


def test_a_notification_must_be_about_a_ticket_an_article_or_be_a_digest(db):
    from django.db import IntegrityError

    user = UserFactory(username="someone")
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            kind=Kind.ARTICLE_EXPIRED,
            recipient=user,
            channel="admin",
            deadline=timezone.now(),
            created_at=timezone.now(),
        )
    assert MembershipFactory  # (imported for symmetry with the other sweep tests)
