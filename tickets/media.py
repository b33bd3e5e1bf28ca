"""Accepting photos: decode to prove they are images, drop all metadata (EXIF, GPS), re-encode."""

import io
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF, the default of iPhone cameras, decodes through pillow-heif when installed.
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is a dependency; this keeps it optional
    HEIC_SUPPORTED = False
else:
    register_heif_opener()
    HEIC_SUPPORTED = True

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused before decoding
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
if HEIC_SUPPORTED:
    FORMATS["HEIF"] = ("image/jpeg", "jpg")  # stored as JPEG: most browsers cannot show HEIC


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    content_type: str
    width: int
    height: int
    original_name: str


def clean_image(upload) -> CleanImage:
    """Return the image re-encoded without metadata, or raise ValidationError naming why."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB.") % {"name": name}, code="file_size"
        )
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB.") % {"name": name}, code="file_size"
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise UnidentifiedImageError(image_format)
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s” has too many pixels.") % {"name": name}, code="file_pixels"
                )
            probe.load()  # decodes the whole image: a truncated or fake file fails here
            image = ImageOps.exif_transpose(probe)  # keep the visible orientation
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP image.") % {"name": name}, code="file_type"
        ) from None
    content_type, extension = FORMATS[image_format]
    save_format = "JPEG" if image_format == "HEIF" else image_format
    if save_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image = image.copy()
    image.info.clear()  # EXIF, XMP, text chunks, ICC: nothing of the original's metadata
    out = io.BytesIO()
    image.save(out, save_format, **({"quality": 88} if save_format != "PNG" else {}))
    stem = secrets.token_hex(12)
    return CleanImage(
        content=ContentFile(out.getvalue(), name=f"{stem}.{extension}"),
        content_type=content_type,
        width=image.width,
        height=image.height,
        original_name=name[:200],
    )
