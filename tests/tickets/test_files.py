"""Attachments are downloaded only through views that apply the caller's scope (tickets/files.py):
staff in the admin, the resident who looked the ticket up, and signed links for callers that
cannot send credentials (API callers: tests/tickets/api/test_attachments.py). Every kind of
caller, allowed and denied."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from tickets import files, services
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8"


def admin_url(attachment):
    return f"/admin/tickets/ticket/{attachment.ticket_id}/attachment/{attachment.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def photo(with_photos):
    return with_photos("dispatched").attachments.get()


@pytest.fixture
def hidden(with_photos, staff):
    """A photo the resident does not see (a unit's own photo): staff only."""
    ticket = with_photos("dispatched")
    attachment = ticket.attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(public=False)
    return attachment


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- staff (the admin) ---------------------------------------------------------------------------


def test_staff_in_scope_download_the_photo(photo, staff):
    for role in ("operator", "dispatcher", "handler", "head"):
        response = logged_in(staff[role]).get(admin_url(photo))
        assert response.status_code == 200, role
        assert body(response).startswith(JPEG) and response["Content-Type"] == "image/jpeg"
        assert "private, no-store" in response["Cache-Control"]
        assert "sandbox" in response["Content-Security-Policy"]


def test_staff_outside_the_scope_and_strangers_are_refused(photo, staff):
    for role in ("other_handler", "bureau_handler"):
        assert logged_in(staff[role]).get(admin_url(photo)).status_code == 404, role
    response = Client().get(admin_url(photo))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_photo_of_another_ticket_is_not_reached_through_this_ticket(photo, with_photos, staff):
    other = with_photos("dispatched").attachments.get()
    url = f"/admin/tickets/ticket/{photo.ticket_id}/attachment/{other.pk}/"
    assert logged_in(staff["operator"]).get(url).status_code == 404


def test_the_attachment_list_links_to_the_scoped_view_not_the_media_folder(photo, staff):
    page = logged_in(staff["operator"]).get(f"/admin/tickets/attachment/{photo.pk}/change/")
    assert page.status_code == 200
    assert admin_url(photo) in page.text and "/media/" not in page.text


# -- the resident on the tracking page -----------------------------------------------------------


def track_url(attachment):
    return f"/track/{attachment.ticket.number}/photos/{attachment.pk}/"


def tracked(ticket) -> Client:
    client = Client()
    client.post("/track/", {"number": ticket.number, "secret": ticket.access_code})
    return client


def test_the_resident_who_looked_the_ticket_up_sees_their_photos(photo):
    client = tracked(photo.ticket)
    response = client.get(track_url(photo))
    assert response.status_code == 200 and body(response).startswith(JPEG)
    page = client.get(f"/track/{photo.ticket.number}/").text
    assert track_url(photo) in page and "/media/" not in page


def test_the_resident_is_refused_without_the_look_up_and_for_hidden_or_other_photos(
    photo, hidden, with_photos
):
    assert Client().get(track_url(photo)).status_code == 404  # no look-up in this browser
    client = tracked(photo.ticket)
    other = with_photos("submitted").attachments.get()
    assert client.get(track_url(other)).status_code == 404  # another ticket's photo
    sneaky = f"/track/{photo.ticket.number}/photos/{other.pk}/"
    assert client.get(sneaky).status_code == 404  # …even under this ticket's number
    assert tracked(hidden.ticket).get(track_url(hidden)).status_code == 404  # staff only


# -- signed links: publication and guessing ------------------------------------------------------


def test_a_published_photo_has_a_public_signed_link_until_it_is_unpublished(photo, staff):
    ticket = photo.ticket
    services.ticket_set_publication(
        ticket_id=ticket.pk, actor=staff["operator"], description="default",
        published_photos=[photo.pk],
    )  # fmt: skip
    link = files.signed_path(photo, files.PUBLIC_LINK)
    response = Client().get(link)
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photo.pk}.jpg"'
    assert "张三" not in response["Content-Disposition"]  # not the name it had on the phone
    assert Client().head(link).status_code == 200  # link checkers and monitors use HEAD
    services.ticket_set_publication(
        ticket_id=ticket.pk, actor=staff["operator"], description="default"
    )
    assert Client().get(link).status_code == 404


def test_a_public_link_is_refused_for_a_photo_that_is_not_published(photo):
    assert Client().get(files.signed_path(photo, files.PUBLIC_LINK)).status_code == 404


def test_guessed_altered_foreign_and_expired_links_are_refused(photo, settings, time_machine):
    link = files.signed_path(photo, files.API_LINK)
    assert Client().get(link).status_code == 200
    guessed = [
        f"/files/a/{photo.pk}",
        f"/files/p/{photo.pk}",
        link[:-2] + ("AA" if not link.endswith("AA") else "BB"),  # altered signature
        link.replace("/files/a/", "/files/p/"),  # an API link is no public link
        link.replace("/files/a/", "/files/x/"),
        "/files/a/" + signing.dumps({"a": photo.pk}, salt="another.salt", compress=False),
    ]
    for url in guessed:
        assert Client().get(url).status_code == 404, url
    time_machine.move_to(timedelta(seconds=settings.PORTAL_FILE_LINK_SECONDS + 5))
    assert Client().get(link).status_code == 404


def test_the_media_folder_is_never_served(photo):
    path = "/media/" + photo.file.name
    with pytest.raises(Resolver404):
        resolve(path)
    assert Client().get(path).status_code == 404
    assert Client().get("/" + photo.file.name).status_code == 404


# -- how the bytes leave -------------------------------------------------------------------------


def test_x_accel_redirect_hands_the_file_to_nginx_after_the_scope_check(photo, staff, settings):
    settings.PORTAL_FILES_SERVE = "x-accel-redirect"
    settings.PORTAL_FILES_ACCEL_PREFIX = "/protected-media/"
    response = logged_in(staff["operator"]).get(admin_url(photo))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo.file.name
    assert response["Content-Type"] == "image/jpeg"
    denied = logged_in(staff["other_handler"]).get(admin_url(photo))
    assert denied.status_code == 404 and "X-Accel-Redirect" not in denied


def test_x_sendfile_names_the_files_absolute_path(photo, settings):
    settings.PORTAL_FILES_SERVE = "x-sendfile"
    response = tracked(photo.ticket).get(track_url(photo))
    assert response["X-Sendfile"] == photo.file.path and response.content == b""


def test_a_missing_file_is_a_404_not_a_server_error(photo, staff):
    photo.file.storage.delete(photo.file.name)
    assert logged_in(staff["operator"]).get(admin_url(photo)).status_code == 404


def test_an_unknown_serving_mode_fails_the_system_check(settings):
    from django.core.management.base import SystemCheckError

    settings.PORTAL_FILES_SERVE = "nginx"
    with pytest.raises(SystemCheckError, match=r"tickets\.E004"):
        call_command("check")
