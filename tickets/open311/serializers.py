"""GeoReport v2 documents built from our models, and the POST request's input.

Field names, types and order follow the spec (GeoReport/v2 in open311/open311.github.io):
`service_code` and `service_request_id` are strings (a category code and a ticket number);
every datetime is W3C/ISO 8601 with its offset (Beijing time, +08:00). Requests are public
open data: every public field comes from `tickets.publication` (DESIGN.md §7), so no resident
details, the description as the hotline publishes it (de-identified), status notes from the
event type, the address only to the community, the point only as the community's centre, and
only published photos.
"""

from django.conf import settings
from rest_framework import serializers

from geo.coords import CoordSystem
from tickets import files, publication
from tickets.formanswers import bracketed
from tickets.sla import SHANGHAI
from tickets.workflow import Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
UPDATES_SPECIFICATION = (
    "https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311"
)


def w3c(moment) -> str | None:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def service_item(category) -> dict:
    parent = category.parent
    group = parent.parent if parent is not None and parent.parent_id else parent
    return {
        "service_code": category.code,
        "service_name": category.display_name,
        "description": category.description,
        "metadata": bool(category.has_questions),
        "type": "realtime",
        "keywords": parent.display_name if parent is not None else "",
        "group": group.display_name if group is not None else "",
    }


def service_definition(category, questions) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": q.variable,
                "code": q.code,
                "datatype": q.datatype,
                "required": q.required,
                "datatype_description": q.datatype_description or None,
                "order": position,
                "description": q.description,
                "values": [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                    for v in q.values or []
                ],
            }
            for position, q in enumerate(questions, start=1)
        ],
    }


def request_item(ticket, *, request, extensions: bool) -> dict:
    closed = ticket.status == Status.CLOSED
    address, address_id = publication.place(ticket)
    spot = publication.point(ticket)
    photos = [
        request.build_absolute_uri(files.signed_path(a, files.PUBLIC_LINK))
        for a in ticket.published_attachments
    ]
    item = {
        "service_request_id": ticket.number,
        "status": "closed" if closed else "open",
        # What the latest public event was, never its note (staff free text).
        "status_notes": publication.event_note(ticket.latest_action) or None,
        "service_name": ticket.category.display_name,
        "service_code": ticket.category.code,
        "description": publication.description(ticket) or None,
        "agency_responsible": ticket.lead_unit.display_name if ticket.lead_unit_id else None,
        "service_notice": None,
        "requested_datetime": w3c(ticket.submitted_at),
        "updated_datetime": w3c(
            ticket.closed_at if closed and ticket.closed_at else ticket.updated_at
        ),
        "expected_datetime": w3c(ticket.reply_due_at),
        "address": address,
        "address_id": address_id,
        "zipcode": None,
        # The centre of the ticket's community (tickets.publication.point), never the
        # resident's own point.
        "lat": spot[0] if spot else None,
        "long": spot[1] if spot else None,
        "media_url": photos[0] if photos else None,
    }
    if extensions:
        item["notes"] = [
            {
                "datetime": w3c(event.created_at),
                "description": publication.event_note(event.action),
                "type": event.action,
            }
            for event in ticket.public_events
        ]
        item["media_urls"] = photos
    return item


# Parameters beyond GeoReport v2 that this endpoint takes, listed in discovery (`extensions`).
EXTENSIONS = [
    {
        "parameter": "coord_system",
        "method": "POST requests",
        "values": " ".join(CoordSystem.values),
        "default": CoordSystem.WGS84.value,
        "description": "The coordinate system of lat and long: wgs84 (GPS), gcj02 (AMap, "
        "Tencent and other maps in China) or bd09 (Baidu). Stored as WGS-84. A request "
        "with lat and long alone is placed in the community whose boundary contains the point.",
    },
]


def discovery(request) -> dict:
    changeset = settings.OPEN311_CHANGESET
    return {
        "changeset": changeset,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": specification,
                "url": request.build_absolute_uri("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
            # GeoReport v2 itself, and the service request updates extension on the same URL
            # (`servicerequestupdates.{xml,json}`, as FixMyStreet's integrations poll it)
            for specification in (SPECIFICATION, UPDATES_SPECIFICATION)
        ],
        "extensions": EXTENSIONS,
    }


class RequestCreateInputSerializer(serializers.Serializer):
    """POST Service Request's arguments (besides `attribute[...]` and `media`).

    Lengths and types only; the domain checks are the ticket services'.
    """

    jurisdiction_id = serializers.CharField(required=False, allow_blank=True)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=60)
    lat = serializers.DecimalField(
        max_digits=12, decimal_places=9, required=False, allow_null=True,
        min_value=-90, max_value=90,
    )  # fmt: skip
    long = serializers.DecimalField(
        max_digits=13, decimal_places=9, required=False, allow_null=True,
        min_value=-180, max_value=180,
    )  # fmt: skip
    # Our extension (listed in discovery): the system lat/long are given in; stored as WGS-84.
    coord_system = serializers.ChoiceField(choices=CoordSystem.values, required=False)
    address_string = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address_id = serializers.CharField(required=False, allow_blank=True, max_length=12)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    device_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    account_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=settings.PORTAL_TICKET_DESCRIPTION_MAX
    )
    media_url = serializers.URLField(required=False, allow_blank=True, max_length=500)

    def to_internal_value(self, data):
        # "Optional" arguments sent empty mean the same as not sent (spec, Definitions).
        if hasattr(data, "dict"):
            data = {k: v for k, v in data.dict().items() if not k.startswith("attribute[")}
        return super().to_internal_value({k: v for k, v in data.items() if v not in ("", None)})


def attribute_answers(data) -> dict:
    """`attribute[code]=v`, `attribute[code][]=v1&attribute[code][]=v2` → {code: v | [v…]}."""
    return bracketed(data, "attribute")


def contact_name(first: str, last: str) -> str:
    """Family name first for Chinese names (李雪贞), given name first otherwise."""
    first, last = (first or "").strip(), (last or "").strip()
    if (first + last).isascii():
        return " ".join(p for p in (first, last) if p)
    return f"{last}{first}"
