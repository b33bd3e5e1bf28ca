"""HEIC photos (iPhone cameras' default) are accepted, decoded and stored as JPEG without EXIF."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.media import FORMATS, HEIC_SUPPORTED, clean_image

pytestmark = pytest.mark.skipif(not HEIC_SUPPORTED, reason="pillow-heif is not installed")


def heic_bytes(size=(48, 32)) -> bytes:
    image = Image.new("RGB", size, (20, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[1] = "N"
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_heic_is_stored_as_jpeg_without_metadata():
    raw = heic_bytes()
    assert Image.open(io.BytesIO(raw)).getexif()  # the fixture really carries EXIF
    cleaned = clean_image(SimpleUploadedFile("IMG_0001.HEIC", raw, "image/heic"))
    stored = Image.open(io.BytesIO(cleaned.content.read()))
    assert stored.format == "JPEG" and not stored.getexif()
    assert cleaned.content_type == "image/jpeg" and cleaned.content.name.endswith(".jpg")
    assert (cleaned.width, cleaned.height) == (48, 32)


def test_heic_is_among_the_accepted_formats():
    assert "HEIF" in FORMATS
