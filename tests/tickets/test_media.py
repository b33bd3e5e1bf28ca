"""Photos: only real images are kept, and their metadata (GPS included) is removed."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.media import MAX_BYTES, clean_image
from tickets.models import Attachment, Ticket

from ..conftest import image_bytes


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_jpeg_loses_exif_and_gps():
    raw = image_bytes("JPEG", exif_gps=True)
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    cleaned = clean_image(upload(raw))
    stored = Image.open(io.BytesIO(cleaned.content.read()))
    assert stored.format == "JPEG" and not stored.getexif()
    assert (cleaned.width, cleaned.height) == (40, 30)
    assert cleaned.content.name.endswith(".jpg") and cleaned.original_name == "photo.jpg"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt):
    cleaned = clean_image(upload(image_bytes(fmt), name=f"x.{fmt.lower()}"))
    assert cleaned.content_type == f"image/{fmt.lower()}"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 not an image", b"", image_bytes("JPEG")[:200], image_bytes("GIF")],
    ids=["pdf", "empty", "truncated-jpeg", "gif"],
)
def test_non_images_and_broken_images_are_refused(data):
    with pytest.raises(ValidationError) as error:
        clean_image(upload(data, name="evil.jpg"))
    assert "evil.jpg" in error.value.messages[0]


def test_oversized_file_is_refused():
    big = upload(b"\xff" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="10 MB"):
        clean_image(big)


@pytest.mark.django_db
def test_submission_with_photos_stores_them(submit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = submit(
        photos=[upload(image_bytes("JPEG", exif_gps=True)), upload(image_bytes("PNG"), "b.png")]
    )
    attachments = list(ticket.attachments.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/jpeg", "image/png"]
    with attachments[0].file.open("rb") as handle:
        assert not Image.open(handle).getexif()


@pytest.mark.django_db
def test_one_bad_photo_refuses_the_whole_submission(submit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        submit(photos=[upload(image_bytes("JPEG")), upload(b"MZ\x90\x00", "virus.jpg")])
    assert "photos" in error.value.message_dict
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_more_than_five_photos_is_refused(submit):
    with pytest.raises(ValidationError) as error:
        submit(photos=[upload(image_bytes("JPEG")) for _ in range(6)])
    assert "photos" in error.value.message_dict
