"""The classifier's versions in the admin: held-out accuracy shown, a version switched off."""

import pytest
from django.urls import reverse

from suggestions import registry
from suggestions.models import ClassifierModel

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:suggestions_classifiermodel_changelist"


@pytest.fixture
def measured(trained):
    ClassifierModel.objects.filter(pk=trained.pk).update(top1=0.9123, top3=0.9876)
    return trained


def test_analysts_see_each_version_with_its_held_out_accuracy(client, staff, measured):
    client.force_login(staff["analyst"])
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert "91.2%" in html and "98.8%" in html
    change = client.get(reverse("admin:suggestions_classifiermodel_change", args=[measured.pk]))
    assert change.status_code == 200 and "91.2%" in change.content.decode()


def test_unit_staff_do_not_see_the_versions(client, staff, trained):
    client.force_login(staff["handler"])
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_a_superuser_switches_a_version_off_to_roll_back(client, trained):
    newer = ClassifierModel.objects.create(
        categories=4, size=trained.size, data=bytes(trained.data)
    )
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert registry.current().version == newer.pk
    change = reverse("admin:suggestions_classifiermodel_change", args=[newer.pk])
    response = client.post(change, {"is_active": ""})
    assert response.status_code == 302
    assert registry.current().version == trained.pk


def test_versions_are_trained_not_added_by_hand(client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert client.get(reverse("admin:suggestions_classifiermodel_add")).status_code == 403
