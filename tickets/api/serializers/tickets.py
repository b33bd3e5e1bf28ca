"""Tickets: create (input), list item and detail (outputs)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from geo.coords import CoordSystem
from tickets import files, lookups
from tickets.formanswers import bracketed
from tickets.media import MAX_PHOTOS
from tickets.models import Channel, Kind, Outcome
from tickets.workflow import Status

from .common import CachedCodeField, FalseField, RefSerializer, TrueField


class AttributeAnswerField(serializers.Field):
    """One answer: a string, or a list of strings for a multi-value question."""

    default_error_messages = {"invalid": "Give a string or a list of strings."}

    def to_internal_value(self, data):
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            data = str(data)
            values = [data]
        elif isinstance(data, list) and all(isinstance(v, str) for v in data):
            values = data
        else:
            self.fail("invalid")
        if any("\x00" in v for v in values):  # PostgreSQL text cannot hold NUL
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)(AttributeAnswerField)


class AnswersField(serializers.DictField):
    """The answers to the category's questions: a JSON object, or in a form (multipart) one
    field per question, `attributes[code]` (repeated, or `attributes[code][0]`, `…[1]`, for a
    question that takes several values) — the name the errors give the field."""

    def __init__(self, **kwargs):
        super().__init__(child=AttributeAnswerField(), **kwargs)

    def get_value(self, dictionary):
        if not html.is_html_input(dictionary):
            return super().get_value(dictionary)
        answers = bracketed(dictionary, self.field_name)
        return answers or empty


class TicketCreateInputSerializer(serializers.Serializer):
    """A new demand. Status, number, deadlines and assignments are never taken from the client."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    # From the reference cache, with what the ticket service reads next (urgency, questions,
    # the region's ancestors): creating a ticket queries none of them.
    category = CachedCodeField(lookups.category, help_text="a leaf category's code")
    region = CachedCodeField(
        lookups.region,
        required=False,
        allow_null=True,
        default=None,
        help_text="the finest region code known (district or finer); may be left out when "
        "latitude and longitude are given: the point's community (or finest region) is found "
        "in the boundaries, and a point outside all of them is a 400",
    )
    description = serializers.CharField(max_length=settings.PORTAL_TICKET_DESCRIPTION_MAX)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None,
        min_value=-90, max_value=90,
    )  # fmt: skip
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None,
        min_value=-180, max_value=180,
    )  # fmt: skip
    coord_system = serializers.ChoiceField(
        choices=CoordSystem.choices, required=False, default=CoordSystem.WGS84,
        help_text="the system latitude and longitude are given in: wgs84 (GPS, the default), "
        "gcj02 (AMap, Tencent and other maps in China) or bd09 (Baidu); stored as WGS-84",
    )  # fmt: skip
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="",
        help_text="a mainland mobile (13812345678) or landline with its area code "
        "(010-65123456; 8 local digits are taken to be in PORTAL_PHONE_DEFAULT_AREA_CODE); "
        "stored and returned as 13812345678 / 010-65123456. Text messages go to mobiles only.",
    )  # fmt: skip
    contact_email = serializers.CharField(
        max_length=254, required=False, allow_blank=True, default=""
    )
    attributes = AnswersField(
        required=False, default=dict,
        help_text="answers to the category's questions, keyed by question code",
    )  # fmt: skip
    external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text="the API client's own reference for this demand, unique per client (409 "
        "external_id_taken if the client used it before); find the ticket again with "
        "?external_id=",
    )  # fmt: skip


def external_id_for(ticket, client) -> str | None:
    """The submitting client's reference, shown to that client and to staff (never to another
    client); needs `client_submission` loaded with the ticket."""
    from clients.models import Submission

    try:
        submission = ticket.client_submission
    except Submission.DoesNotExist:
        return None
    if client is not None and submission.client_id != client.pk:
        return None
    return submission.external_id or None


# --- what the schema shows of a new demand (validation is TicketCreateInputSerializer's) -------


class NamedTicketCreate(TicketCreateInputSerializer):
    """A demand with the resident's telephone number (required unless anonymous)."""

    anonymous = FalseField(required=False, default=False)
    contact_phone = serializers.CharField(
        max_length=40, help_text=TicketCreateInputSerializer().fields["contact_phone"].help_text
    )


class AnonymousTicketCreate(TicketCreateInputSerializer):
    """An anonymous demand: no contact details are kept (any sent are dropped)."""

    anonymous = TrueField()
    contact_name = contact_phone = contact_email = confidential = None


class TicketCreateForm(TicketCreateInputSerializer):
    """The same demand as `multipart/form-data`, with photos. Each answer to the category's
    questions is a field of its own, `attributes[<question code>]` (for a question that takes
    several values: `attributes[<code>][0]`, `attributes[<code>][1]`, …). `contact_phone` is
    required unless `anonymous` is true."""

    attributes = None
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_PHOTOS,
        help_text=f"up to {MAX_PHOTOS} photos (JPEG, PNG, WebP or HEIC); metadata is removed",
    )


class TicketListOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = RefSerializer()
    region = RefSerializer()
    lead_unit = RefSerializer(allow_null=True)
    address = serializers.CharField()
    contact_name = serializers.SerializerMethodField(help_text="masked")
    supervised = serializers.BooleanField()
    round = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=[("", "—"), *Outcome.choices])
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    external_id = serializers.SerializerMethodField(
        help_text="the submitting API client's reference (shown to that client and to staff)"
    )

    def get_contact_name(self, ticket) -> str:
        from ..scope import list_contact_name

        return list_contact_name(ticket)

    def get_external_id(self, ticket) -> str | None:
        return external_id_for(ticket, self.context.get("client"))

    def get_overdue(self, ticket) -> bool:
        return ticket.due_at is not None and ticket.due_at < self.context.get("now", timezone.now())


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(
        help_text="a signed link that needs no credentials (for an app's image view), valid "
        "for a limited time (PORTAL_FILE_LINK_SECONDS, default 15 minutes): read the ticket "
        "again for a fresh one"
    )
    download_url = serializers.SerializerMethodField(
        help_text="the same file with this API's Authorization header"
    )
    content_type = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, attachment) -> str:
        client = self.context.get("client") is not None
        return self._absolute(files.signed_path(attachment, files.API_LINK, client=client))

    def get_download_url(self, attachment) -> str:
        return self._absolute(
            reverse(
                "api:ticket-attachment",
                kwargs={"number": attachment.ticket.number, "attachment_id": attachment.pk},
            )
        )


class TicketDetailOutputSerializer(TicketListOutputSerializer):
    description = serializers.CharField()
    district = RefSerializer()
    street = RefSerializer(allow_null=True)
    community = RefSerializer(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    urgency = serializers.CharField(source="urgency.code")
    suggested_unit = RefSerializer(
        allow_null=True,
        help_text="the unit the dispatch catalogue names for the category and place "
        "(at intake, at acceptance after any reclassification, and after a return passing "
        "over the returning units)",
    )
    anonymous = serializers.BooleanField()
    confidential = serializers.BooleanField()
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    contact_masked = serializers.SerializerMethodField()
    attributes = serializers.DictField(child=AttributeAnswerField())
    reply_text = serializers.CharField()
    referred_to = serializers.CharField()
    duplicate_of = serializers.CharField(source="duplicate_of.number", allow_null=True)
    accept_due_at = serializers.DateTimeField(allow_null=True)
    dispatch_due_at = serializers.DateTimeField(allow_null=True)
    response_due_at = serializers.DateTimeField(allow_null=True)
    reply_due_at = serializers.DateTimeField(allow_null=True)
    callback_due_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    contacted_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    reopen_requested_at = serializers.DateTimeField(allow_null=True)
    attachments = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="workflow actions the caller may take now (endpoint names)"
    )

    def _contact(self, ticket):
        return self.context["contact"]

    def get_contact_name(self, ticket) -> str:
        return self._contact(ticket).name

    def get_contact_phone(self, ticket) -> str:
        return self._contact(ticket).phone

    def get_contact_email(self, ticket) -> str:
        return self._contact(ticket).email

    def get_contact_masked(self, ticket) -> bool:
        return not self._contact(ticket).revealed

    @extend_schema_field(AttachmentOutputSerializer(many=True))
    def get_attachments(self, ticket):
        # A client sees what the resident sees; staff see every photo.
        shown = [a for a in ticket.attachments.all() if a.public or not self.context.get("client")]
        return AttachmentOutputSerializer(shown, many=True, context=self.context).data

    def get_actions(self, ticket) -> list[str]:
        return self.context.get("actions", [])


class TicketCreatedOutputSerializer(serializers.Serializer):
    """What the creator needs back: the number, the resident's access code (shown only here),
    where the ticket stands and where to read it."""

    number = serializers.CharField()
    access_code = serializers.CharField(
        help_text="the resident's secret for tracking the ticket; shown only in this response"
    )
    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    submitted_at = serializers.DateTimeField()
    accept_due_at = serializers.DateTimeField(allow_null=True)
    attributes = serializers.DictField(child=AttributeAnswerField())
    external_id = serializers.SerializerMethodField(help_text="the reference the client gave")
    url = serializers.SerializerMethodField(help_text="the ticket's detail in this API")

    def get_external_id(self, ticket) -> str | None:
        return self.context.get("external_id") or None

    def get_url(self, ticket) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/tickets/{ticket.number}/")
