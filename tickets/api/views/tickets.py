"""Tickets: list (filtered, ordered, cursor-paginated), create, retrieve, trajectory."""

from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clients import idempotency
from clients.services import check_external_id, submission_record
from portal.replica import ReplicaReadsMixin
from tickets import files, selectors, services
from tickets.models import Channel, Ticket
from tickets.workflow import Action

from ..actions import available_actions
from ..filters import TicketFilter
from ..pagination import TicketCursorPagination
from ..scope import client_of, contact_for, sees_internal_trajectory, tickets_for
from ..serializers.reference import EventOutputSerializer
from ..serializers.tickets import (
    AnonymousTicketCreate,
    NamedTicketCreate,
    TicketCreatedOutputSerializer,
    TicketCreateForm,
    TicketCreateInputSerializer,
    TicketDetailOutputSerializer,
    TicketListOutputSerializer,
)

DETAIL_RELATED = [
    "category",
    "region",
    "district",
    "street",
    "community",
    "lead_unit",
    "suggested_unit",
    "urgency",
    "duplicate_of",
    "client_submission",
]


def scoped_ticket(request, number: str) -> Ticket:
    """The ticket with `number` if the caller may see it, else 404."""
    if "\x00" in number:  # no ticket number has one, and PostgreSQL refuses it in a query
        raise Http404
    return get_object_or_404(
        tickets_for(request).select_related(*DETAIL_RELATED).prefetch_related("attachments"),
        number=number,
    )


def detail_data(request, ticket: Ticket) -> dict:
    context = {
        "request": request,
        "client": client_of(request),
        "now": timezone.now(),
        "contact": contact_for(request, ticket),
        "actions": available_actions(request, ticket),
    }
    return TicketDetailOutputSerializer(ticket, context=context).data


class TicketListCreateView(ReplicaReadsMixin, GenericAPIView):
    # The list (GET) may read from a replica; a client that just wrote reads from the primary.
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = TicketFilter
    ordering_fields = ["submitted_at", "updated_at"]
    pagination_class = TicketCursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = TicketListOutputSerializer  # for the schema's list operation

    def get_queryset(self):
        return tickets_for(self.request).select_related(
            "category", "region", "lead_unit", "client_submission"
        )

    @extend_schema(
        operation_id="tickets_list",
        summary="Tickets the caller may see",
        responses=TicketListOutputSerializer(many=True),
        tags=["tickets"],
    )
    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = {"request": request, "now": timezone.now(), "client": client_of(request)}
        data = TicketListOutputSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="tickets_create",
        summary="Submit a new demand (status submitted, channel api)",
        request={
            "application/json": PolymorphicProxySerializer(
                component_name="TicketCreate",
                serializers=[NamedTicketCreate, AnonymousTicketCreate],
                resource_type_field_name=None,
            ),
            "multipart/form-data": TicketCreateForm,
        },
        parameters=[idempotency.PARAMETER],
        responses={201: TicketCreatedOutputSerializer},
        tags=["tickets"],
    )
    def post(self, request):
        client = client_of(request)
        if client is not None and not client.may(Action.SUBMIT):
            raise PermissionDenied(_("This API client may not submit tickets."))
        serializer = TicketCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        attributes = data.pop("attributes")
        external_id = data.pop("external_id")
        if external_id and client is None:
            raise ValidationError(
                {"external_id": [_("Only an API client gives its own reference for a ticket.")]}
            )
        photos = request.FILES.getlist("photos")

        def perform():
            after_create = None
            if external_id:
                check_external_id(client, external_id)
            if client is not None:

                def after_create(ticket):
                    submission_record(
                        ticket=ticket, client=client, channel=Channel.API, external_id=external_id
                    )

            try:
                return services.ticket_submit(
                    actor=request.user,
                    channel=Channel.API,
                    photos=photos,
                    attributes=attributes,
                    after_create=after_create,
                    **data,
                )
            except IntegrityError:
                # Another request with this reference committed first.
                check_external_id(client, external_id)
                raise

        def respond(ticket):
            body = TicketCreatedOutputSerializer(
                ticket, context={"request": request, "external_id": external_id}
            ).data
            return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})

        return idempotency.respond_once(request, perform=perform, respond=respond)


class TicketDetailView(APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        summary="One ticket, with the resident's details as far as the caller may see them",
        responses=TicketDetailOutputSerializer,
        tags=["tickets"],
    )
    def get(self, request, number):
        return Response(detail_data(request, scoped_ticket(request, number)))


class TicketAttachmentView(APIView):
    """A photo of a ticket in the caller's scope (a client: the photos shown to the resident)."""

    def perform_content_negotiation(self, request, force=False):
        # An image viewer asks for image/*; errors still answer in JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="tickets_attachment",
        summary="Download one of the ticket's photos",
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/webp"): OpenApiTypes.BINARY,
        },
        tags=["tickets"],
    )
    def get(self, request, number, attachment_id):
        ticket = scoped_ticket(request, number)
        shown = [
            a
            for a in ticket.attachments.all()
            if str(a.pk) == attachment_id and (a.public or client_of(request) is None)
        ]
        if not shown:
            raise Http404
        return files.response(shown[0])


class TicketTrajectoryView(APIView):
    @extend_schema(
        operation_id="tickets_trajectory",
        summary="The ticket's trajectory (public events only for a client's own submission)",
        responses=EventOutputSerializer(many=True),
        tags=["tickets"],
    )
    def get(self, request, number):
        ticket = scoped_ticket(request, number)
        internal = sees_internal_trajectory(request, ticket)
        events = selectors.trajectory(ticket, public_only=not internal)
        data = EventOutputSerializer(events, many=True, context={"internal": internal}).data
        return Response(data)
