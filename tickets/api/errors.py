"""One error shape for the whole REST API: RFC 9457 problem details (`application/problem+json`).

Every error of `/api/…` — what DRF raises (400, 401, 403, 404, 405, 406, 415, 429), the domain
errors of the ticket services (`ValidationError` naming fields → 400, `TicketError` → its
`http_status`: 409 transition or rule, 403 not permitted), whatever another part raises as a DRF
`APIException` (e.g. a 409 or 422 about an idempotency key), an unknown URL under `/api/` and an
unexpected failure (500) — answers

    {"type": "/api/problems/invalid", "title": "…", "status": 400, "detail": "…",
     "instance": "/api/v1/tickets/", "code": "invalid",
     "errors": [{"field": "attributes[pole_no]", "code": "required", "detail": "…"}]}

`code` is stable (a client may branch on it), `type` is the same code as a URI reference (the
catalogue at `/api/problems/`), `title` and `detail` are in the caller's language
(Accept-Language: Simplified Chinese by default, English). `errors` lists each invalid field for
400s, named as the form field a client sends (`attributes[code]`, `co_units[0]`); `field` is
null for an error of the request as a whole.

Exception handling is drf-standardized-errors' (`ExceptionHandler`: Django's 404 and 403 turned
into DRF's, anything else into a 500 that is logged and signalled as Django does, the
transaction rolled back); the body is this module's `ProblemFormatter`.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tickets.exceptions import TicketError

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/api/problems/"

# code → (HTTP status, title). A code not listed here still gets its exception's own default
# message as title; the list is the catalogue the schema and /api/problems/ show.
PROBLEMS = {
    "invalid": (400, _("The request has invalid fields.")),
    "parse_error": (400, _("The request body could not be read.")),
    "not_authenticated": (401, _("Authentication credentials were not provided.")),
    "authentication_failed": (401, _("The credentials are not valid.")),
    "permission_denied": (403, _("You may not do this.")),
    "not_permitted": (403, _("You may not take this action on this ticket.")),
    "not_found": (404, _("Not found.")),
    "method_not_allowed": (405, _("This method is not allowed here.")),
    "not_acceptable": (406, _("No acceptable response format.")),
    "transition_not_allowed": (
        409,
        _("This action is not allowed in the ticket's current status."),
    ),
    "rule_violation": (409, _("A rule of the ticket's handling refuses this action.")),
    "ticket_error": (409, _("This action is not possible for this ticket.")),
    "unsupported_media_type": (415, _("This request body format is not supported.")),
    "throttled": (429, _("Too many requests: the rate limit is reached.")),
    "server_error": (500, _("The server failed to answer this request.")),
}
NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}


class ProblemJSONRenderer(JSONRenderer):
    media_type = MEDIA_TYPE
    format = "problem+json"
    charset = None
    ensure_ascii = False


class DomainError(exceptions.APIException):
    """A `TicketError` from a service, carried through DRF's handling with its status and code."""

    def __init__(self, error: TicketError):
        self.status_code = error.http_status
        super().__init__(detail=error.message, code=error.code)


def field_errors(error: DjangoValidationError) -> dict | list:
    """A Django `ValidationError` as DRF's detail: `{field: [ErrorDetail(message, code)]}`."""

    def details(errors):
        return [
            exceptions.ErrorDetail(message, code=item.code or "invalid")
            for item in errors
            for message in item
        ]

    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): details(items)
            for field, items in error.error_dict.items()
        }
    return details(error.error_list)


def flatten(detail, field: str | None = None) -> list[dict]:
    """DRF's nested error detail as a list of `{field, code, detail}`; nested keys and list
    positions are written as a form sends them: `attributes[pole_no]`, `co_units[0]`."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and not all(isinstance(d, str) for d in detail):
        items = enumerate(detail)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return [
            {
                "field": field,
                "code": getattr(message, "code", None) or "invalid",
                "detail": str(message),
            }
            for message in messages
        ]
    found = []
    for key, value in items:
        found.extend(flatten(value, _nested_name(field, key)))
    return found


def _nested_name(field: str | None, key) -> str | None:
    if field is not None:
        return f"{field}[{key}]"
    return None if key in NON_FIELD_KEYS else str(key)


def problem_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def problem(
    *, status: int, code: str, detail: str, instance: str, title: str = "", **extra
) -> dict:
    """The problem document; `title` from the catalogue, else the one given, else the status's
    reason phrase."""
    known = PROBLEMS.get(code)
    if known is not None:
        title = str(known[1])
    elif not title:
        title = HTTPStatus(status).phrase if status in HTTPStatus else str(status)
    return {
        "type": TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        **extra,
    }


class ProblemFormatter(ExceptionFormatter):
    def run(self) -> dict:
        exc = self.exc
        request = self.context.get("request")
        instance = request.path if request is not None else ""
        code = problem_code(exc)
        if isinstance(exc, exceptions.ValidationError):
            errors = flatten(exc.detail)
            detail = "; ".join(
                f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors
            )
            return problem(
                status=exc.status_code, code=code, detail=detail, instance=instance, errors=errors
            )
        if exc.status_code >= 500 and code == "error":
            code = "server_error"
        extra = {}
        if isinstance(exc, exceptions.Throttled) and request is not None:
            policy = getattr(request._request, "ratelimit", None)
            if policy is not None:
                extra["violated-policies"] = [policy.name]
        detail = str(exc.detail) if not isinstance(exc.detail, list | dict) else str(exc)
        if code == "server_error":
            detail = str(PROBLEMS["server_error"][1])
        # An exception another part of the API defines (e.g. about an Idempotency-Key) titles
        # itself with its own default message, translated like DRF's.
        if type(exc).default_detail is not exceptions.APIException.default_detail:
            extra["title"] = str(type(exc).default_detail)
        return problem(status=exc.status_code, code=code, detail=detail, instance=instance, **extra)


class ProblemHandler(ExceptionHandler):
    def format_exception(self, exc: exceptions.APIException) -> dict:
        return ProblemFormatter(exc, self.context, self.exc).run()

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(field_errors(exc))
        if isinstance(exc, TicketError):
            return DomainError(exc)
        return super().convert_known_exceptions(exc)

    def get_response(self, exc: exceptions.APIException, data: dict) -> Response:
        response = super().get_response(exc, data)
        request = self.context.get("request")
        # The browsable API (a staff member's browser) shows the problem in its page; every
        # other caller gets the problem document as application/problem+json.
        if request is not None and not isinstance(
            getattr(request, "accepted_renderer", None), BrowsableAPIRenderer
        ):
            request.accepted_renderer = ProblemJSONRenderer()
            request.accepted_media_type = MEDIA_TYPE
        return response


def exception_handler(exc, context):
    return ProblemHandler(exc, context).run()
