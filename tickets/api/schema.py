"""OpenAPI details drf-spectacular cannot infer: the key authentication and the error
responses every operation may give (so clients and the schemathesis run know them)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "description": "`{field: [messages]}` for invalid input, else `{detail, code}`.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid input: the fields and what is wrong with each.",
    "401": "No valid key or session.",
    "403": "Not allowed: the role, the client's allowed actions or the ticket's rules.",
    "404": "No such object within what the caller may see.",
    "409": "Not possible in the ticket's current status, or a workflow rule refuses it; or "
    "the client used this external_id before.",
    "422": "The Idempotency-Key was used before for a different request.",
    "429": "Rate limit reached; retry after `Retry-After` seconds.",
}
READ_ERRORS = ("400", "401", "403", "404", "429")


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
    """Postprocessing hook: document the shared error responses on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes = READ_ERRORS if method == "get" else tuple(ERRORS)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {"description": ERRORS[code], "content": {"application/json": {"schema": ref}}},
                )
    return result
