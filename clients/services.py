"""Registering clients, issuing and revoking keys, and resolving a presented key.

A new key is returned once by the function that makes it and is never readable again.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions

from . import keys
from .models import CLIENT_ACTIONS, ApiClient, StaffToken, Submission, rate_validator

_KNOWN_ACTIONS = {value for value, _label in CLIENT_ACTIONS}


def _clean_actions(actions) -> list[str]:
    actions = list(dict.fromkeys(actions))
    unknown = [a for a in actions if a not in _KNOWN_ACTIONS]
    if unknown:
        raise ValidationError({"allowed_actions": _("Unknown action: %s") % ", ".join(unknown)})
    return actions


@transaction.atomic
def api_client_create(
    *,
    name: str,
    allowed_actions=("submit",),
    rate_limit: str = "120/min",
    contact: str = "",
    contact_email: str = "",
) -> tuple[ApiClient, str]:
    """Register a client with its service user; returns the client and its new key."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A client with this name exists already.")})
    rate_validator(rate_limit)
    user = get_user_model().objects.create_user(
        username=f"api-client-{secrets.token_hex(6)}",
        first_name=name[:150],
        is_staff=False,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    key = keys.new_key(keys.CLIENT)
    client = ApiClient.objects.create(
        name=name,
        user=user,
        key_prefix=keys.prefix(key),
        key_hash=keys.digest(key),
        allowed_actions=_clean_actions(allowed_actions),
        rate_limit=rate_limit,
        contact=contact,
        contact_email=contact_email,
    )
    return client, key


def api_client_rotate_key(*, client: ApiClient) -> str:
    """Replace the client's key (the old one stops working at once); returns the new key."""
    key = keys.new_key(keys.CLIENT)
    client.key_prefix, client.key_hash = keys.prefix(key), keys.digest(key)
    client.save(update_fields=["key_prefix", "key_hash"])
    return key


def api_client_revoke(*, client: ApiClient) -> None:
    """The client's key stops working; its tickets and history stay."""
    client.is_active = False
    client.revoked_at = client.revoked_at or timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])


def api_client_reinstate(*, client: ApiClient) -> None:
    client.is_active, client.revoked_at = True, None
    client.save(update_fields=["is_active", "revoked_at"])


def staff_token_create(*, user, name: str, expires_at=None) -> tuple[StaffToken, str]:
    """A personal token for a staff user; returns the token row and its key."""
    key = keys.new_key(keys.STAFF)
    token = StaffToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or _("API token"),
        key_prefix=keys.prefix(key),
        key_hash=keys.digest(key),
        expires_at=expires_at,
    )
    return token, key


def staff_token_revoke(*, token: StaffToken) -> None:
    token.revoked_at = token.revoked_at or timezone.now()
    token.save(update_fields=["revoked_at"])


def client_for_key(key: str) -> ApiClient | None:
    """The active client holding `key`, with its service user; None for anything else.

    With a shared cache (`PORTAL_API_KEY_CACHE_SECONDS` > 0) the client found is kept there
    under its key's digest; every change to the client or its user clears that entry
    (`clients.signals`), so a revoked or rotated key stops working at once in every process.
    """
    if keys.kind_of(key) != keys.CLIENT:
        return None
    digest = keys.digest(key)
    seconds = settings.PORTAL_API_KEY_CACHE_SECONDS
    if seconds > 0:
        client = cache.get(cache_key(digest))
        if client is not None:
            return client
    client = (
        ApiClient.objects.select_related("user")
        .filter(key_hash=digest, is_active=True, user__is_active=True)
        .first()
    )
    if client is not None and seconds > 0:
        cache.set(cache_key(digest), client, seconds)
    return client


def cache_key(digest: str) -> str:
    return f"api-client:{digest}"


def staff_token_for_key(key: str) -> StaffToken | None:
    """The valid staff token holding `key`, with its user; None for anything else."""
    if keys.kind_of(key) != keys.STAFF:
        return None
    token = (
        StaffToken.objects.select_related("user")
        .filter(key_hash=keys.digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token if token is not None and token.is_valid() else None


def submission_record(
    *,
    ticket,
    client: ApiClient,
    channel: str,
    media_url="",
    device_id="",
    account_id="",
    external_id="",
) -> Submission:
    """Remember which client sent `ticket`; called inside the ticket's creating transaction.
    A reference (`external_id`) the client used already fails on the unique constraint."""
    return Submission.objects.create(
        ticket=ticket,
        client=client,
        channel=channel,
        media_url=media_url or "",
        device_id=(device_id or "")[:100],
        account_id=(account_id or "")[:100],
        external_id=external_id or "",
        created_at=ticket.submitted_at,
    )


class ExternalIdTaken(exceptions.APIException):
    """The client gave a reference it gave another ticket already (HTTP 409)."""

    status_code = 409
    default_code = "external_id_taken"
    default_detail = gettext_lazy(
        "This external_id belongs to another ticket of this client already."
    )


def check_external_id(client: ApiClient, external_id: str) -> None:
    """409 if the client already has a ticket with this reference, naming the ticket."""
    taken = (
        Submission.objects.filter(client=client, external_id=external_id)
        .values_list("ticket__number", flat=True)
        .first()
    )
    if taken is not None:
        raise ExternalIdTaken(
            _("external_id %(id)s belongs to ticket %(number)s already.")
            % {"id": external_id, "number": taken}
        )
