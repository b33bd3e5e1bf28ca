"""API keys: random secrets shown once, stored only as a SHA-256 digest.

A key is `<kind>_<43 url-safe characters>` (256 random bits). Because the secret is random and
long, a single fast digest is enough to make the stored value useless to whoever reads the
database (a slow password hash protects guessable secrets; these are not guessable), and it keeps
authentication to one indexed lookup per request. The first characters are kept in clear as a
prefix so staff can tell keys apart in the admin and in logs.
"""

import hashlib
import secrets

CLIENT = "ck"  # an API client (registered application)
STAFF = "st"  # a staff user's personal token
PREFIX_LENGTH = 10


def new_key(kind: str) -> str:
    return f"{kind}_{secrets.token_urlsafe(32)}"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def kind_of(key: str) -> str:
    """The key's kind (`ck` or `st`), or "" when the key is malformed."""
    kind, sep, rest = (key or "").partition("_")
    return kind if sep and rest and kind in (CLIENT, STAFF) else ""
