"""One error shape for the whole API, and the domain errors mapped to HTTP statuses.

- `django.core.exceptions.ValidationError` from a service → 400 `{field: [messages]}`;
- `TicketError` subclasses → their `http_status` (409 transition/rule, 403 not permitted) with
  `{"detail": message, "code": code}`;
- everything DRF raises (401, 403, 404, 405, 415, 429 with Retry-After) keeps DRF's handling.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tickets.exceptions import TicketError


def field_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TicketError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.http_status)
    return drf_exception_handler(exc, context)
