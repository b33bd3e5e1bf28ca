"""API clients and staff tokens: keys stored hashed, shown once, revocable, managed in the admin."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from clients import keys, services
from clients.models import ApiClient, StaffToken

pytestmark = pytest.mark.django_db


def test_client_key_is_stored_only_as_its_digest():
    client, key = services.api_client_create(name="app")
    client.refresh_from_db()
    assert key.startswith("ck_") and len(key) > 40
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {client.key_hash, client.key_prefix} and key.startswith(client.key_prefix)
    assert services.client_for_key(key) == client


def test_client_acts_through_a_service_user_without_password():
    client, _key = services.api_client_create(name="district platform")
    assert client.user.first_name == "district platform"
    assert not client.user.has_usable_password() and not client.user.is_staff


def test_revoked_or_rotated_keys_stop_working():
    client, key = services.api_client_create(name="app")
    new_key = services.api_client_rotate_key(client=client)
    assert services.client_for_key(key) is None
    assert services.client_for_key(new_key) == client
    services.api_client_revoke(client=client)
    assert services.client_for_key(new_key) is None
    services.api_client_reinstate(client=client)
    assert services.client_for_key(new_key) == client


@pytest.mark.parametrize("key", ["", "nonsense", "ck_", "st_x", "ck_" + "a" * 43])
def test_malformed_or_unknown_keys_resolve_to_nothing(key):
    assert services.client_for_key(key) is None
    assert services.staff_token_for_key(key) is None


def test_staff_token_expires_and_can_be_revoked(staff):
    token, key = services.staff_token_create(user=staff["operator"], name="script")
    assert key.startswith("st_") and services.staff_token_for_key(key) == token
    assert StaffToken.objects.filter(key_hash=keys.digest(key)).exists()
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert services.staff_token_for_key(key) is None
    token.expires_at = None
    token.save()
    services.staff_token_revoke(token=token)
    assert services.staff_token_for_key(key) is None


def test_unknown_allowed_action_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_client_create(name="app", allowed_actions=["submit", "fly"])


def test_create_api_client_command_prints_the_key_once():
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_client", "WeChat mini-program", "--actions", "submit,request_reopen",
        stdout=out, stderr=err,
    )  # fmt: skip
    key = out.getvalue().strip()
    client = ApiClient.objects.get(name="WeChat mini-program")
    assert services.client_for_key(key) == client
    assert client.allowed_actions == ["submit", "request_reopen"]
    assert key not in err.getvalue()


def test_create_staff_token_command(staff):
    out = StringIO()
    call_command("create_staff_token", "operator", stdout=out, stderr=StringIO())
    assert services.staff_token_for_key(out.getvalue().strip()).user == staff["operator"]


@pytest.fixture
def admin_http(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    return client


def test_admin_registers_a_client_and_shows_its_key_once(admin_http):
    response = admin_http.post(
        "/admin/clients/apiclient/add/",
        {"name": "Haidian platform", "allowed_actions": ["submit"], "rate_limit": "60/min"},
        follow=True,
    )
    assert response.status_code == 200
    client = ApiClient.objects.get(name="Haidian platform")
    shown = [str(m) for m in response.context["messages"]]
    key = next(word for m in shown for word in m.split() if word.startswith("ck_"))
    assert services.client_for_key(key) == client
    page = admin_http.get(f"/admin/clients/apiclient/{client.pk}/change/").content.decode()
    assert key not in page and client.key_prefix in page


def test_admin_revokes_clients(admin_http):
    client, key = services.api_client_create(name="app")
    admin_http.post(
        "/admin/clients/apiclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert not client.is_active and client.revoked_at is not None
    assert services.client_for_key(key) is None


def test_admin_issues_staff_tokens(admin_http, staff):
    response = admin_http.post(
        "/admin/clients/stafftoken/add/",
        {"user": staff["handler"].pk, "name": "sync"},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    key = next(word for word in shown.split() if word.startswith("st_"))
    assert services.staff_token_for_key(key).user == staff["handler"]


# --- the key cache (a shared cache in production; the test process's memory here) ------------


@pytest.fixture
def key_cache(settings):
    settings.PORTAL_API_KEY_CACHE_SECONDS = 30


def test_a_cached_client_is_found_without_a_query(key_cache, django_assert_num_queries):
    client, key = services.api_client_create(name="app")
    assert services.client_for_key(key) == client
    with django_assert_num_queries(0):
        found = services.client_for_key(key)
        assert found == client and found.user == client.user and found.may("submit")


def test_without_a_shared_cache_every_key_is_looked_up(settings, django_assert_num_queries):
    settings.PORTAL_API_KEY_CACHE_SECONDS = 0
    _client, key = services.api_client_create(name="app")
    services.client_for_key(key)
    with django_assert_num_queries(1):
        services.client_for_key(key)


def test_revoking_a_cached_key_stops_it_at_once(key_cache):
    client, key = services.api_client_create(name="app")
    services.client_for_key(key)
    services.api_client_revoke(client=client)
    assert services.client_for_key(key) is None


def test_rotating_a_cached_key_stops_the_old_one_at_once(key_cache):
    client, old = services.api_client_create(name="app")
    services.client_for_key(old)
    new = services.api_client_rotate_key(client=client)
    assert services.client_for_key(old) is None
    assert services.client_for_key(new) == client


def test_deactivating_the_service_user_stops_a_cached_key(key_cache):
    client, key = services.api_client_create(name="app")
    services.client_for_key(key)
    client.user.is_active = False
    client.user.save()
    assert services.client_for_key(key) is None


def test_a_change_made_in_the_admin_form_is_seen_at_once(key_cache):
    client, key = services.api_client_create(name="app", rate_limit="120/min")
    services.client_for_key(key)
    client.rate_limit = "5/min"
    client.save()
    assert services.client_for_key(key).rate_limit == "5/min"
