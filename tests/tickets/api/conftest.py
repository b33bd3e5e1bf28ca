"""Fixtures for the REST API: callers with keys (staff tokens and API clients)."""

import pytest
from rest_framework.test import APIClient

from clients.services import api_client_create, staff_token_create


@pytest.fixture
def as_staff(staff):
    """An API client authenticated with a personal token of one of conftest's staff users."""

    def make(role: str) -> APIClient:
        _token, key = staff_token_create(user=staff[role], name="test")
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return http

    return make


@pytest.fixture
def as_client(db):
    """An HTTP client authenticated as a registered API client; returns (http, ApiClient)."""

    def make(name="district app", actions=("submit",), rate="1000/min"):
        client, key = api_client_create(name=name, allowed_actions=actions, rate_limit=rate)
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return http, client

    return make


@pytest.fixture
def new_ticket_body(city, category):
    return {
        "kind": "help",
        "category": category.code,
        "region": city["shenggunan"].code,
        "description": "楼牌号缺失，外卖骑手找不到12号楼。",
        "address": "胜古南里12号楼",
        "contact_name": "李雪贞",
        "contact_phone": "13812345678",
    }
