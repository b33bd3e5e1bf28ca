"""Fixtures for the suggestions: a small taxonomy with keywords, a classifier trained on it (a
cold start, in a fraction of a second), and API callers."""

import pytest
from rest_framework.test import APIClient

from clients.services import api_client_create, staff_token_create
from departments.models import Department, DispatchRule
from suggestions import registry, services

from ..factories import CategoryFactory, DepartmentFactory


@pytest.fixture(autouse=True)
def fresh_registry(settings):
    """Each process keeps its loaded classifier: tests start and end without one, and look for
    a newer version at every request."""
    settings.SUGGESTIONS_MODEL_CHECK_SECONDS = 0
    registry.forget()
    yield
    registry.forget()


@pytest.fixture
def taxonomy(category, units, city):
    """楼牌号缺失 (conftest's) and 电梯故障 under 住房 › 物业管理, 暖气不热 and 暖气漏水 under
    供暖 › 供暖服务, each with keywords; radiators go to the heat company, plates and lifts to
    the street office of the place (the dispatch catalogue)."""
    category.keywords = "楼牌号 楼号牌 门牌号 没有楼号 找不到楼 快递找不到"
    category.save()
    heating = CategoryFactory(code="heating", name="供暖", level=1, urgency=None)
    service = CategoryFactory(
        code="heating.service", name="供暖服务", level=2, parent=heating, urgency=None
    )
    radiator = CategoryFactory(
        code="heating.service.radiator",
        name="暖气不热",
        parent=service,
        keywords="暖气不热 暖气片 暖气凉 不热乎 放气 上热下凉",
    )
    leak = CategoryFactory(
        code="heating.service.leak",
        name="暖气漏水",
        parent=service,
        keywords="暖气漏水 漏水 滴水 暖气管爆了 流到楼下",
    )
    elevator = CategoryFactory(
        code="housing.property.elevator",
        name="电梯故障",
        parent=category.parent,
        keywords="电梯坏了 电梯故障 困人 电梯停运 电梯异响",
    )
    heat = DepartmentFactory(
        code="ut-heat",
        name="北京市热力集团有限责任公司",
        kind=Department.Kind.UTILITY,
        region=city["beijing"],
    )
    for leaf in (radiator, leak):
        DispatchRule.objects.create(category=leaf, unit=heat)
    for leaf in (category, elevator):
        DispatchRule.objects.create(category=leaf, unit_kind=Department.Kind.STREET_OFFICE)
    return {
        "plate": category,
        "radiator": radiator,
        "leak": leak,
        "elevator": elevator,
        "heat": heat,
    }


@pytest.fixture
def trained(taxonomy):
    """A classifier trained on the taxonomy alone (a cold start)."""
    return services.classifier_train()


@pytest.fixture
def as_staff(staff):
    def make(role: str) -> APIClient:
        _token, key = staff_token_create(user=staff[role], name="test")
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return http

    return make


@pytest.fixture
def as_client(db):
    def make(name="district app"):
        client, key = api_client_create(
            name=name, allowed_actions=["submit"], rate_limit="1000/min"
        )
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return http, client

    return make
