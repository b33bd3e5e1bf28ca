"""Parsing GET Service Requests' query: the spec's filters and our extensions."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime as parse_iso
from django.utils.translation import gettext as _

from .errors import Open311Error

WINDOW = timedelta(days=90)  # "may not span more than 90 days"; also the default window
MAX_RESULTS = 1000  # "first 1000 requests returned"
STATUSES = ("open", "closed")


@dataclass
class RequestQuery:
    ids: list[str]
    service_codes: list[str]
    statuses: list[str]
    start: datetime | None
    end: datetime | None
    updated_after: datetime | None
    updated_before: datetime | None
    page: int
    page_size: int
    extensions: bool


def _list(params, name) -> list[str]:
    """A list parameter, comma-separated or repeated (`service_code=a&service_code=b`), or
    both; each value once, in the order given."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    values = [v.strip() for item in raw for v in (item or "").split(",") if v.strip()]
    return list(dict.fromkeys(values))


def parse_datetime(params, name) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_iso(raw.replace(" ", "+") if raw.count(" ") == 1 else raw)
    except ValueError:
        value = None
    if value is not None and value.tzinfo is not None:
        try:
            # PostgreSQL takes offsets up to ±15:59 only; the window arithmetic must not overflow.
            utc = value.astimezone(UTC)
            if utc - WINDOW and utc + WINDOW:
                return utc
        except OverflowError:
            pass
    raise Open311Error(
        400,
        _("%(name)s must be a W3C date-time with its time zone, e.g. 2010-01-01T00:00:00Z.")
        % {"name": name},
    )


def positive_int(params, name, default, maximum=None) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    number = int(raw) if raw.isascii() and raw.isdigit() else 0
    if number < 1 or (maximum and number > maximum):
        if maximum:
            message = _("%(name)s must be a whole number from 1 to %(maximum)d.")
        else:
            message = _("%(name)s must be a positive whole number.")
        raise Open311Error(400, message % {"name": name, "maximum": maximum})
    return number


def parse(params, *, now=None) -> RequestQuery:
    now = now or timezone.now()
    statuses = [s.lower() for s in _list(params, "status")]
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise Open311Error(400, _("status must be open or closed, not %s.") % ", ".join(bad))
    start, end = parse_datetime(params, "start_date"), parse_datetime(params, "end_date")
    updated_after = parse_datetime(params, "updated_after")
    updated_before = parse_datetime(params, "updated_before")
    if start and end and start > end:
        raise Open311Error(400, _("start_date must not be after end_date."))
    if start and end and end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    if start and not end:
        end = start + WINDOW
    elif end and not start:
        start = end - WINDOW
    elif not start and not end and not (updated_after or updated_before):
        start, end = now - WINDOW, None
    return RequestQuery(
        ids=_list(params, "service_request_id"),
        service_codes=_list(params, "service_code"),
        statuses=statuses,
        start=start,
        end=end,
        updated_after=updated_after,
        updated_before=updated_before,
        page=positive_int(params, "page", 1),
        page_size=positive_int(params, "page_size", MAX_RESULTS, MAX_RESULTS),
        extensions=(params.get("extensions") or "").strip().lower() == "true",
    )
