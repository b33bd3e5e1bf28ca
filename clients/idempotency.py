"""`Idempotency-Key` on the API's creating and acting POSTs (REST and Open311).

A client that may send a POST twice (a timeout, a lost answer, a retrying library) sends a key of
its own choosing with it, one per operation (a UUID). The first request with a key runs, and its
answer (status, body, `Location`) is stored *in the transaction of the change it made*
(`tickets.participants`), under a unique (caller, key): the change and its recorded answer commit
together or not at all. For `PORTAL_IDEMPOTENCY_HOURS` (24) after that:
- the same key with the same request (method, path, parsed body, files by their content) gets
  the stored answer again, marked `Idempotent-Replayed: true`, and nothing is written;
- the same key with a different request is refused with 422 (`idempotency_key_reused`);
- two requests with one key at once: the second waits for the first (PostgreSQL holds its insert
  of the same key, or its lock on the same ticket row, until the first commits), finds the first
  one's answer, and returns it; exactly one change is made. No "in progress" error is needed:
  an answer is never stored apart from its change, so there is no half-finished state to report.
A request that was refused (4xx) or failed stored nothing: sending it again runs it again.
Rows older than the window are ignored and deleted by `expire` (beat, hourly).
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils import encoders

from tickets import participants

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


# For the OpenAPI schema of every operation that takes a key.
PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of your choosing (e.g. a UUID), one per operation: sent again within 24 hours "
        "with the same request, the first answer is returned again (with "
        "`Idempotent-Replayed: true`) and nothing is done twice; with a different request it "
        "is a 422."
    ),
)


class Stored(NamedTuple):
    id: int
    fingerprint: str
    status_code: int
    response: str
    location: str
    created_at: datetime


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used for a different request: use a new key for a "
        "new request."
    )


def key_of(request) -> str | None:
    """The request's key, or None without one; a malformed key is a 400 naming the header.
    The IETF draft writes the key as a quoted structured-field string; both forms are taken."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        raise exceptions.ValidationError(
            {HEADER: [_("Give 1 to 255 printable ASCII characters, e.g. a UUID.")]}
        )
    return key


def fingerprint(request, *, ignore=()) -> str:
    """SHA-256 of what the request asks: method, path, query and parsed body (so a multipart
    body's random boundary does not count, and each file counts by its content)."""
    data = request.data
    if hasattr(data, "lists"):
        body = {k: [_canonical(v) for v in vs] for k, vs in data.lists() if k not in ignore}
    elif isinstance(data, dict):
        body = {k: v for k, v in data.items() if k not in ignore}
    else:
        body = data
    query = {k: vs for k, vs in request.query_params.lists() if k not in ignore}
    text = json.dumps(
        [request.method, request.path, query, body],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        cls=encoders.JSONEncoder,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value):
    if not isinstance(value, UploadedFile):
        return value
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return {"file": digest.hexdigest(), "name": value.name}


def respond_once(request, *, perform, respond, ignore=()) -> Response:
    """Answer a creating or acting POST at most once per Idempotency-Key.

    `perform()` makes one ticket service call and returns the ticket; `respond(ticket)` builds
    the answer. With a key, `respond` runs inside the service's transaction, and its answer is
    stored there. `ignore` names body or query fields left out of the fingerprint (credentials).
    """
    key = key_of(request)
    if key is None or not request.user.is_authenticated:
        return respond(perform())
    user, asked = request.user, fingerprint(request, ignore=ignore)
    stored = _stored(user, key)
    if stored is not None:
        return _replay(stored, asked)
    answered: list[Response] = []

    def record(ticket, event):
        response = respond(ticket)
        _insert(
            user_id=user.pk,
            key=key,
            fingerprint=asked,
            ticket_id=ticket.pk,
            status_code=response.status_code,
            response=json.dumps(response.data, cls=encoders.JSONEncoder, ensure_ascii=False),
            location=response.get("Location", ""),
        )
        answered.append(response)

    try:
        with participants.joining(record):
            perform()
    except Exception:
        # Whatever refused this request (the key's unique index, the ticket's new status), a
        # request with the same key that committed meanwhile decides the answer.
        stored = _stored(user, key)
        if stored is None:
            raise
        return _replay(stored, asked)
    if not answered:
        raise RuntimeError("the ticket service did not run the idempotency record")
    return answered[0]


# The lookup and the insert are on every keyed request: plain SQL, as `tickets.numbering` does,
# without the ORM's compiling and model machinery (about a third of the key's cost).
_COLUMNS = ("id", "fingerprint", "status_code", "response", "location", "created_at")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _stored(user, key: str) -> Stored | None:
    table, columns = _q(IdempotentRequest._meta.db_table), ", ".join(map(_q, _COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE {_q('user_id')} = %s AND {_q('key')} = %s",
            [user.pk, key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    stored = Stored(*row)
    created = stored.created_at
    if isinstance(created, str):  # SQLite without type detection on a raw cursor
        created = datetime.fromisoformat(created)
    if timezone.is_naive(created):
        created = timezone.make_aware(created, UTC)
    if created < _cutoff():
        # Past the window: the key is free again (the sweep would have deleted it).
        IdempotentRequest.objects.filter(pk=stored.id).delete()
        return None
    return stored


def _insert(**values) -> None:
    table = _q(IdempotentRequest._meta.db_table)
    values["created_at"] = timezone.now()
    columns = ", ".join(map(_q, values))
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))


def _replay(stored: Stored, asked: str) -> Response:
    if stored.fingerprint != asked:
        raise IdempotencyKeyReused()
    headers = {REPLAYED_HEADER: "true"}
    if stored.location:
        headers["Location"] = stored.location
    data = json.loads(stored.response)  # keys in their first order
    return Response(data, status=stored.status_code, headers=headers)


def _cutoff(now=None):
    return (now or timezone.now()) - timedelta(hours=settings.PORTAL_IDEMPOTENCY_HOURS)


def expire(now=None, *, batch: int = 10_000) -> int:
    """Delete the records past the window, in batches; returns how many."""
    cutoff, deleted = _cutoff(now), 0
    while True:
        ids = list(
            IdempotentRequest.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not ids:
            return deleted
        deleted += IdempotentRequest.objects.filter(pk__in=ids).delete()[0]
