"""Reading the API's problem documents in tests."""


def error_fields(response) -> dict[str | None, list[str]]:
    """The fields a 400 problem names, with their messages (None: the request as a whole)."""
    assert response["Content-Type"] == "application/problem+json", response.content
    fields: dict[str | None, list[str]] = {}
    for error in response.json().get("errors", []):
        fields.setdefault(error["field"], []).append(error["detail"])
    return fields
