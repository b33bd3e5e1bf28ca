"""Fixtures for the tickets app's tests: tickets with photos in a temporary media folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# Fixtures of other test packages used here: the knowledge base's articles (answering a call),
# the suggestions' small taxonomy and its classifier (the call-taker's desk).
from tests.knowledge.conftest import editor, write  # noqa: F401
from tests.suggestions.conftest import fresh_registry, taxonomy, trained  # noqa: F401

from ..conftest import image_bytes


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def with_photos(lifecycle, media_root):
    """A ticket moved to `status` with `n` photos (stored as the services store them)."""

    def make(status="dispatched", n=1, **overrides):
        photos = [
            SimpleUploadedFile(f"张三家门口{i}.jpg", image_bytes(), "image/jpeg") for i in range(n)
        ]
        return lifecycle(status, photos=photos, **overrides)

    return make
