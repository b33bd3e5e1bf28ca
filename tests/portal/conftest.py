"""Fixtures for the residents' site: a category tree with siblings, a step-1 choice (the caches
are emptied around every test by tests/conftest.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from departments.models import Region

from ..conftest import image_bytes
from ..factories import CategoryFactory, RegionFactory


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def tree(city, category):
    """Besides 住房 › 物业管理 › 楼牌号缺失: a sibling leaf, a second top category, and a
    community under 安贞街道."""
    sibling = CategoryFactory(
        code="housing.property.lift", name="电梯故障", level=3, parent=category.parent
    )
    transport = CategoryFactory(code="transport", name="交通", level=1, urgency=None)
    roads = CategoryFactory(
        code="transport.roads", name="道路", level=2, parent=transport, urgency=None
    )
    pothole = CategoryFactory(
        code="transport.roads.pothole", name="路面坑洼", level=3, parent=roads
    )
    anhuali = RegionFactory(
        code="110105003001",
        name="安华里社区",
        level=Region.Level.COMMUNITY,
        parent=city["anzhen"],
    )
    return {
        "plate": category,
        "lift": sibling,
        "transport": transport,
        "roads": roads,
        "pothole": pothole,
        "anhuali": anhuali,
        **city,
    }


@pytest.fixture
def where(tree):
    """Step 1 answered: a complaint about a missing building number in 胜古南社区."""
    return {
        "kind": "complaint",
        "category_1": "housing",
        "category_2": "housing.property",
        "category": "housing.property.plate",
        "district": "110105",
        "street": "110105019",
        "community": "110105019001",
    }


@pytest.fixture
def details():
    """Step 2 answered, consent given."""
    return {
        "description": "胜古南里12号楼楼牌缺失，外卖和快递都找不到。",
        "address": "胜古南里12号楼",
        "latitude": "",
        "longitude": "",
        "contact_name": "李雪贞",
        "contact_phone": "138 1234 5678",
        "contact_email": "",
        "consent": "on",
        "website": "",
    }


@pytest.fixture
def final_post(where, details):
    """The complete final POST of the form; override per test."""

    def make(**overrides):
        return {**where, **details, "step": "2", "_submit": "1", **overrides}

    return make


def photo(name="building.jpg", fmt="JPEG", exif_gps=True, content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes(fmt, exif_gps=exif_gps), content_type=content_type)


def english_client(**defaults) -> Client:
    """A browser asking for English, so assertions read the msgids (Chinese is the default)."""
    return Client(headers={"accept-language": "en"}, **defaults)
