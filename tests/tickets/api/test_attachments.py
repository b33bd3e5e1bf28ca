"""Attachments through the REST API: the caller's scope (staff token, API client), the signed
links in the JSON for apps, and the callers that are refused (tickets/files.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from clients.models import Submission
from tests.conftest import image_bytes
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8"


def api_url(attachment):
    return f"/api/v1/tickets/{attachment.ticket.number}/attachments/{attachment.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def photo(with_photos):
    return with_photos("dispatched").attachments.get()


@pytest.fixture
def hidden(with_photos):
    """A photo the resident does not see: staff only."""
    attachment = with_photos("dispatched").attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(public=False)
    return attachment


# -- the REST API --------------------------------------------------------------------------------


def test_api_staff_download_with_their_token_and_get_signed_links(photo, as_staff):
    http = as_staff("handler")
    response = http.get(api_url(photo), HTTP_ACCEPT="image/*")
    assert response.status_code == 200 and body(response).startswith(JPEG)
    (listed,) = http.get(f"/api/v1/tickets/{photo.ticket.number}/").json()["attachments"]
    assert listed["download_url"] == f"http://testserver{api_url(photo)}"
    assert listed["url"].startswith("http://testserver/files/a/") and "/media/" not in listed["url"]
    assert body(Client().get(listed["url"])).startswith(JPEG)  # an app's <img>: no credentials


def test_api_staff_outside_the_scope_and_callers_without_a_key_are_refused(photo, as_staff):
    assert as_staff("other_handler").get(api_url(photo)).status_code == 404
    assert APIClient().get(api_url(photo)).status_code == 401


def test_api_client_sees_photos_of_its_own_submission_shown_to_the_resident(
    as_client, new_ticket_body, media_root
):
    http, _client = as_client()
    created = http.post(
        "/api/v1/tickets/",
        {**new_ticket_body, "photos": [SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")]},
        format="multipart",
    ).json()
    attachment = Attachment.objects.get(ticket__number=created["number"])
    assert http.get(api_url(attachment)).status_code == 200
    (listed,) = http.get(created["url"]).json()["attachments"]
    assert Client().get(listed["url"]).status_code == 200
    other_http, _other = as_client(name="another app")
    assert other_http.get(api_url(attachment)).status_code == 404  # not its submission
    # Hidden from the resident: hidden from the client, its old signed link stops working.
    Attachment.objects.filter(pk=attachment.pk).update(public=False)
    assert http.get(api_url(attachment)).status_code == 404
    assert Client().get(listed["url"]).status_code == 404


def test_api_client_does_not_get_a_photo_hidden_from_the_resident(hidden, as_client, as_staff):
    http, client = as_client()
    Submission.objects.create(ticket=hidden.ticket, client=client, channel="api")
    assert http.get(api_url(hidden)).status_code == 404
    assert http.get(f"/api/v1/tickets/{hidden.ticket.number}/").json()["attachments"] == []
    assert as_staff("operator").get(api_url(hidden)).status_code == 200
