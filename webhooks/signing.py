"""Signing as the Standard Webhooks specification says, with its reference library.

Headers: `webhook-id` (the delivery's message id, the same at every attempt), `webhook-timestamp`
(Unix seconds of this attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
`id.timestamp.body`, with the subscription's `whsec_` secret). While a rotated-out secret is
still valid, the body is signed with both, space-separated, so a receiver switches at leisure.
"""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
USER_AGENT = "12345-portal-webhooks/1"


def new_secret() -> str:
    """24 random bytes, base64, with the spec's `whsec_` prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def headers(subscription, *, message_id: str, body: str, at: datetime) -> dict[str, str]:
    # Whole seconds, and UTC: the library signs `timestamp.replace(tzinfo=utc)`.
    moment = datetime.fromtimestamp(int(at.timestamp()), tz=UTC)
    keys = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and at < until:
        keys.append(subscription.previous_secret)
    signatures = [Webhook(key).sign(message_id, moment, body) for key in keys]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
