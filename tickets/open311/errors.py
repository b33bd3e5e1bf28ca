"""Errors as the spec's list of `{code, description}`: 404 for what does not exist, 403 for a
missing or wrong `api_key`, 400 for everything else a client got wrong; 429 when throttled
(with `Retry-After`). Nothing a client sends produces a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from .renderers import ErrorList

# Our intake field names → the GeoReport parameter a client sent.
PARAMETER_NAMES = {
    "category": "service_code",
    "region": "address_id",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_name": "first_name",
    "photos": "media",
    "kind": "service_code",
    "channel": "service_code",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        self.status = status
        self.descriptions = descriptions


def error_response(status: int, descriptions, headers=None) -> Response:
    body = ErrorList({"code": status, "description": str(d)} for d in descriptions)
    return Response(body, status=status, headers=headers)


def _parameter(field: str) -> str:
    if field.startswith("attributes["):
        return "attribute[" + field[len("attributes[") :]
    return PARAMETER_NAMES.get(field, field)


def validation_descriptions(error: DjangoValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{_parameter(field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def exception_handler(exc, context):
    if isinstance(exc, Open311Error):
        return error_response(exc.status, exc.descriptions)
    if isinstance(exc, DjangoValidationError):
        return error_response(400, validation_descriptions(exc))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(404, [_("Not found.")])
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else None
        return error_response(429, [str(exc.detail)], headers)
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        return error_response(403, [str(exc.detail)])
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response(405, [str(exc.detail)])
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict):
            texts = [
                f"{k}: {m}" for k, v in detail.items() for m in (v if isinstance(v, list) else [v])
            ]
        elif isinstance(detail, list):
            texts = [str(d) for d in detail]
        else:
            texts = [str(detail)]
        # 409/422: the Idempotency-Key extension (a key reused for another request).
        status = exc.status_code if exc.status_code in (403, 404, 405, 409, 422, 429) else 400
        return error_response(status, texts)
    return None
