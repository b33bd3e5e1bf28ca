"""OpenAPI details drf-spectacular cannot infer: the key authentication, the problem document
every error answers with (`tickets.api.errors`), the RateLimit headers (`clients.throttling`),
and the request alternatives of `serializers.actions.REQUEST_SCHEMAS` written exactly."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .errors import MEDIA_TYPE, PROBLEMS
from .serializers.actions import ANY_OF

PROBLEM_SCHEMA = {
    "type": "object",
    "description": (
        "RFC 9457 problem details (`application/problem+json`). `code` is stable; `type` is "
        "`/api/problems/<code>`; `title` and `detail` are in the request's language "
        "(Accept-Language: zh-hans by default, en). Codes: "
        + ", ".join(f"`{code}` ({status})" for code, (status, _title) in PROBLEMS.items())
        + "; other parts of the API may add their own (e.g. about an Idempotency-Key)."
    ),
    "properties": {
        "type": {"type": "string", "example": "/api/problems/invalid"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "the request's path"},
        "code": {"type": "string", "example": "invalid"},
        "errors": {
            "type": "array",
            "description": "400 only: each invalid field",
            "items": {"$ref": "#/components/schemas/ProblemFieldError"},
        },
        "violated-policies": {
            "type": "array",
            "description": "429 only: the rate-limit policy exhausted (see RateLimit-Policy)",
            "items": {"type": "string"},
        },
    },
    "required": ["type", "title", "status", "detail", "instance", "code"],
}
FIELD_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "field": {
            "type": "string",
            "nullable": True,
            "description": "as the request names it (`attributes[pole_no]`, `co_units[0]`); "
            "null for the request as a whole",
        },
        "code": {"type": "string", "example": "required"},
        "detail": {"type": "string"},
    },
    "required": ["field", "code", "detail"],
}
RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": "the caller's quota (draft-ietf-httpapi-ratelimit-headers-10), e.g. "
        '`"client";q=120;w=60`: 120 requests per 60 s; policies `client`, `staff`, `anon`',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'what is left of it, e.g. `"client";r=87;t=42`: 87 requests, the window '
        "ends in 42 s",
        "schema": {"type": "string"},
    },
}

ERRORS = {
    "400": "Invalid input: `errors` names each field and what is wrong with it.",
    "401": "No valid key or session.",
    "403": "Not allowed: the role, the client's allowed actions or the ticket's rules.",
    "404": "No such object within what the caller may see.",
    "405": "The path does not take this method (no operation to list it under: see `Allow`).",
    "406": "None of the formats in Accept can be given.",
    "409": "Not possible in the ticket's current status, or a workflow rule refuses it; or "
    "the client used this external_id before.",
    "415": "The request body's Content-Type is not accepted.",
    "422": "Understood but refused as a whole (e.g. an Idempotency-Key reused with another body).",
    "429": "Rate limit reached; retry after `Retry-After` seconds (also in `RateLimit`).",
    "500": "The server failed; nothing was stored.",
}
READ_ERRORS = ("400", "401", "403", "404", "406", "429", "500")


class KeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "clients.authentication.KeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: an API client's key or a staff user's token.",
        }


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the problem document on every operation's error statuses, the
    RateLimit headers on every response, one-value booleans and `anyOf` alternatives."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["ProblemFieldError"] = FIELD_ERROR_SCHEMA
    headers = components.setdefault("headers", {})
    headers.update(RATE_LIMIT_HEADERS)
    headers["Retry-After"] = {
        "description": "seconds until the window ends",
        "schema": {"type": "integer"},
    }
    rate_headers = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
    responses_ = components.setdefault("responses", {})
    for code, description in ERRORS.items():
        response = {
            "description": description,
            "headers": dict(rate_headers),
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if code == "429":
            response["headers"]["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
        responses_[f"Problem{code}"] = response
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                # A filter's label is a translated title; generated clients name types after
                # it, which must not depend on the language the schema was read in.
                parameter.get("schema", {}).pop("title", None)
                parameter.get("schema", {}).get("items", {}).pop("title", None)
            codes = READ_ERRORS if method == "get" else tuple(c for c in ERRORS if c != "405")
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                if "$ref" not in response:
                    response.setdefault("headers", {}).update(rate_headers)
            for code in codes:
                responses.setdefault(code, {"$ref": f"#/components/responses/Problem{code}"})
    for name, schema in schemas.items():
        for prop in (schema.get("properties") or {}).values():
            if "x-only" in prop:
                prop["enum"] = [prop.pop("x-only")]
        if name.removesuffix("Request") in ANY_OF and "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")
    form = schemas.get("TicketCreateFormRequest")
    if form is not None:
        form["additionalProperties"] = {
            "type": "string",
            "description": "`attributes[<question code>]`: an answer to one of the category's "
            "questions (GET /api/v1/categories/); `attributes[<code>][0]`, `[1]`, … for a "
            "question that takes several values",
        }
    return result
