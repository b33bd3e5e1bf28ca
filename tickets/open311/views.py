"""GeoReport v2 endpoints. Every view answers in the format of its suffix (`.xml` by default,
the spec's required format, or `.json`), errors included."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _
from rest_framework import permissions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clients import idempotency
from clients.models import ApiClient, Submission
from clients.services import client_for_key, submission_record
from geo.coords import CoordSystem
from portal.replica import ReplicaReadsMixin
from tickets import publication, services
from tickets.models import (
    Attachment,
    Category,
    CategoryAttribute,
    Channel,
    Kind,
    Ticket,
    TicketEvent,
)
from tickets.workflow import Action, Status

from . import params, serializers, updates
from .errors import Open311Error, exception_handler
from .location import region_at_point, region_by_code, region_in_address
from .renderers import Open311JSONRenderer, Open311XMLRenderer


class ApiKeyAuthentication(BaseAuthentication):
    """`api_key` in the form body or the query string; an unknown key is simply no client (the
    views that need one answer 403)."""

    def authenticate(self, request):
        key = request.query_params.get("api_key")
        if key is None and request.method == "POST":
            key = request.data.get("api_key")
        client = client_for_key(key) if key else None
        return (client.user, client) if client is not None else None


class Open311View(APIView):
    renderer_classes = [Open311XMLRenderer, Open311JSONRenderer]
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [permissions.AllowAny]
    schema = None  # not part of /api/schema/; the spec documents it
    xml_root = "response"

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        parameter = _parameter_with_nul(
            kwargs, request.query_params, request.data if request.method == "POST" else {}
        )
        if parameter is not None:
            raise Open311Error(
                400, _("%(parameter)s: contains a NUL character.") % {"parameter": parameter}
            )
        jurisdiction = request.query_params.get("jurisdiction_id")
        if jurisdiction is None and request.method == "POST":
            jurisdiction = request.data.get("jurisdiction_id")
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            raise Open311Error(404, _("jurisdiction_id %s was not found.") % jurisdiction)


def _parameter_with_nul(*mappings) -> str | None:
    """The first parameter (path, query or form) whose name or value holds a NUL, which
    PostgreSQL text cannot: refused up front, naming it, rather than failing in a query."""
    for mapping in mappings:
        values = (
            mapping.lists() if hasattr(mapping, "lists") else ((k, [v]) for k, v in mapping.items())
        )
        for key, items in values:
            if "\x00" in str(key):
                return repr(str(key))[1:-1]  # the NUL shown as \x00, not sent back raw
            if any(isinstance(v, str) and "\x00" in v for v in items):
                return str(key)
    return None


class DiscoveryView(Open311View):
    xml_root = "discovery"

    def get(self, request, format=None):
        return Response(serializers.discovery(request))


def _services():
    return (
        Category.objects.filter(level=Category.LEAF_LEVEL, is_active=True)
        .select_related("parent__parent")
        .annotate(has_questions=Exists(CategoryAttribute.objects.filter(category=OuterRef("pk"))))
    )


class ServiceListView(Open311View):
    xml_root = "services"

    def get(self, request, format=None):
        categories = _services().order_by("code")
        return Response([serializers.service_item(c) for c in categories])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    def get(self, request, service_code, format=None):
        category = _services().filter(code=service_code).first()
        if category is None:
            raise Open311Error(404, _("service_code %s was not found.") % service_code)
        questions = category.attributes.order_by("order", "code")
        return Response(serializers.service_definition(category, questions))


def _public_requests():
    """Tickets as GeoReport requests, with what the documents need in a fixed number of queries.

    Only what `tickets.publication` publishes is loaded: never an event's note, the typed
    address, the resident's map point or their details (the point published is the centre of
    the ticket's community, from its boundary).
    """
    latest_public = TicketEvent.objects.filter(ticket=OuterRef("pk"), public=True).order_by(
        "-created_at", "-pk"
    )
    return (
        Ticket.objects.select_related(
            "category", "lead_unit", "district", "street", "community", *publication.POINT_RELATED
        )
        .defer(
            "address",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "contact_email",
            *publication.POINT_DEFERRED,
        )
        .annotate(latest_action=Subquery(latest_public.values("action")[:1]))
    )


def _with_media(tickets, extensions: bool):
    prefetches = [
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(published=True)
            .only("pk", "ticket_id", "created_at")
            .order_by("created_at", "pk"),
            to_attr="published_attachments",
        )
    ]
    if extensions:
        prefetches.append(
            Prefetch(
                "events",
                queryset=TicketEvent.objects.filter(public=True)
                .only("pk", "ticket_id", "created_at", "action")
                .order_by("created_at", "pk"),
                to_attr="public_events",
            )
        )
    return tickets.prefetch_related(*prefetches)


class RequestListView(ReplicaReadsMixin, Open311View):
    xml_root = "service_requests"
    parser_classes = [FormParser, MultiPartParser]

    def get(self, request, format=None):
        query = params.parse(request.query_params)
        tickets = _public_requests()
        if query.ids:
            tickets = tickets.filter(number__in=query.ids[: params.MAX_RESULTS])
        else:
            tickets = self._filtered(tickets, query)
        offset = (query.page - 1) * query.page_size
        page = _with_media(tickets.order_by("-submitted_at", "-pk"), query.extensions)[
            offset : offset + query.page_size
        ]
        return Response(
            [
                serializers.request_item(t, request=request, extensions=query.extensions)
                for t in page
            ]
        )

    def _filtered(self, tickets, query):
        if query.service_codes:
            tickets = tickets.filter(category__code__in=query.service_codes)
        if set(query.statuses) == {"open"}:
            tickets = tickets.filter(~Q(status=Status.CLOSED))
        elif set(query.statuses) == {"closed"}:
            tickets = tickets.filter(status=Status.CLOSED)
        if query.start:
            tickets = tickets.filter(submitted_at__gte=query.start)
        if query.end:
            tickets = tickets.filter(submitted_at__lte=query.end)
        if query.updated_after:
            tickets = tickets.filter(updated_at__gt=query.updated_after)
        if query.updated_before:
            tickets = tickets.filter(updated_at__lt=query.updated_before)
        return tickets

    def post(self, request, format=None):
        client = request.auth if isinstance(request.auth, ApiClient) else None
        if client is None:
            raise Open311Error(403, _("A valid api_key is required to create a request."))
        if not client.may(Action.SUBMIT):
            raise Open311Error(403, _("This api_key may not create requests."))
        form = serializers.RequestCreateInputSerializer(data=request.data)
        if not form.is_valid():
            raise Open311Error(
                400,
                *[f"{field}: {m}" for field, messages in form.errors.items() for m in messages],
            )
        data = form.validated_data
        if not data.get("service_code"):
            raise Open311Error(400, _("service_code was not provided."))
        category = _services().filter(code=data["service_code"]).first()
        if category is None:
            raise Open311Error(404, _("service_code %s was not found.") % data["service_code"])
        region = self._region(data)
        phone, email = data.get("phone", ""), data.get("email", "")
        submission = {
            "media_url": data.get("media_url", ""),
            "device_id": data.get("device_id", ""),
            "account_id": data.get("account_id", ""),
        }

        def after_create(ticket):
            submission_record(
                ticket=ticket, client=client, channel=Submission.Channel.OPEN311, **submission
            )

        def perform():
            return services.ticket_submit(
                actor=client.user,
                channel=Channel.OPEN311,
                kind=Kind.HELP,
                category=category,
                region=region,
                description=data.get("description", ""),
                address=data.get("address_string", ""),
                latitude=data.get("lat"),
                longitude=data.get("long"),
                coord_system=data.get("coord_system") or CoordSystem.WGS84,
                # Named when the resident gave a way to reach them: a telephone number (a mobile
                # or a landline) or an e-mail address alone, for e-mail notices.
                anonymous=not (phone or email),
                email_suffices=True,
                contact_name=serializers.contact_name(
                    data.get("first_name", ""), data.get("last_name", "")
                ),
                contact_phone=phone,
                contact_email=email,
                attributes=serializers.attribute_answers(request.data),
                photos=request.FILES.getlist("media"),
                after_create=after_create,
            )

        def respond(ticket):
            notice = _(
                "Received as ticket %(number)s; the hotline accepts it within its time limit. "
                "The resident tracks it with access code %(code)s."
            ) % {"number": ticket.number, "code": ticket.access_code}
            body = [
                {
                    "service_request_id": ticket.number,
                    "service_notice": notice,
                    "account_id": submission["account_id"] or None,
                }
            ]
            return Response(body, status=status.HTTP_201_CREATED)

        # The key (header `Idempotency-Key`, as on the REST API) is an extension of the spec.
        return idempotency.respond_once(
            request, perform=perform, respond=respond, ignore=("api_key",)
        )

    def _region(self, data):
        has_point = data.get("lat") is not None and data.get("long") is not None
        if data.get("address_id"):
            region = region_by_code(data["address_id"])
            if region is None:
                raise Open311Error(
                    400, _("address_id: no district, street or community has this code.")
                )
            return region
        reasons = []
        if has_point:
            region, reason = region_at_point(data["lat"], data["long"], data.get("coord_system"))
            if region is not None:
                return region
            reasons.append(reason)
        if data.get("address_string"):
            region = region_in_address(data["address_string"])
            if region is not None:
                return region
            reasons.append(
                _(
                    "address_string: name the district (and street or community) in the "
                    "address, or send address_id with a region code."
                )
            )
        if reasons:
            raise Open311Error(400, *reasons)
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )


class RequestDetailView(Open311View):
    xml_root = "service_requests"

    def get(self, request, service_request_id, format=None):
        extensions = (request.query_params.get("extensions") or "").lower() == "true"
        ticket = _with_media(_public_requests(), extensions).filter(number=service_request_id)
        ticket = ticket.first()
        if ticket is None:
            raise Open311Error(404, _("service_request_id %s was not found.") % service_request_id)
        return Response([serializers.request_item(ticket, request=request, extensions=extensions)])


class RequestUpdatesView(Open311View):
    """GET Service Request Updates (the FixMyStreet extension, see `updates`)."""

    xml_root = "service_request_updates"

    def get(self, request, format=None):
        return Response(
            [updates.update_item(e, request=request) for e in updates.updates(request.query_params)]
        )


class TokenView(Open311View):
    """Our services are all `realtime`: POST returns the service_request_id at once and no
    token is ever issued, so every token is unknown."""

    xml_root = "service_requests"

    def get(self, request, token, format=None):
        raise Open311Error(
            404, _("token %s was not found: this server answers with request ids at once.") % token
        )


class NotFoundView(Open311View):
    def get(self, request, rest="", format=None):
        raise Open311Error(404, _("No such GeoReport v2 resource."))

    post = get
