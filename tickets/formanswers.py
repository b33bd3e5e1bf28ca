"""Answers to a category's questions as an HTML form (urlencoded or multipart) sends them.

GeoReport v2 names them `attribute[code]` and the REST API's multipart form `attributes[code]`
(the name its errors give the field). A question that takes several values is sent as the same
key repeated, as `…[code][]` repeated, or as `…[code][0]`, `…[code][1]` (what a generated client
sends from a map of form fields). Keys with a NUL or answers that are not text are the caller's
to refuse; this only collects.
"""

import re


def bracketed(data, prefix: str) -> dict:
    """`{code: value | [values]}` from the keys `prefix[code]…` of a QueryDict (or a dict)."""
    pattern = re.compile(rf"^{re.escape(prefix)}\[([^\[\]]+)\](\[\d*\])?$")
    answers: dict = {}
    indexed: dict[str, list[tuple[int, list]]] = {}
    for key in data:
        match = pattern.match(key)
        if match is None:
            continue
        code, suffix = match.groups()
        values = list(data.getlist(key)) if hasattr(data, "getlist") else [data[key]]
        if suffix is None:
            answers[code] = values[0] if len(values) == 1 else values
        elif suffix == "[]":
            indexed.setdefault(code, []).append((-1, values))
        else:
            indexed.setdefault(code, []).append((int(suffix[1:-1]), values))
    for code, parts in indexed.items():
        if code in answers:
            continue  # `code` and `code[]` both sent: the plain key wins, as before
        answers[code] = [value for _position, values in sorted(parts) for value in values]
    return answers
