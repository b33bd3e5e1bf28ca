"""`POST /api/v1/tickets/{number}/<action>/`: one view per workflow action (see `..actions`).

Order of checks: the ticket must be in the caller's scope (404), an API client must be allowed
the action (403), the input must type-check (400); then the service checks the transition
(409), the actor's permission (403) and the domain rules (400 naming fields, 409 for rules).
Every action answers 200 with the ticket's fresh detail. With an `Idempotency-Key` the action
is taken once and its answer stored with it (`clients.idempotency`).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from clients import idempotency
from tickets.models import Ticket

from ..actions import ENDPOINTS, ActionEndpoint, acting_as
from ..scope import client_of
from ..serializers.actions import REQUEST_SCHEMAS
from ..serializers.tickets import TicketDetailOutputSerializer
from .tickets import DETAIL_RELATED, detail_data, scoped_ticket


class TicketActionView(APIView):
    endpoint: ActionEndpoint
    # JSON only: the schema then names one body per action, which generated clients need
    # (openapi-python-client cannot tell apart one model offered in three content types).
    parser_classes = [JSONParser]

    def post(self, request, number):
        endpoint = self.endpoint
        ticket = scoped_ticket(request, number)
        client = client_of(request)
        if client is not None and not client.may(endpoint.action):
            raise PermissionDenied(_("This API client may not take this action."))
        serializer = endpoint.input(data=request.data)
        serializer.is_valid(raise_exception=True)

        def perform():
            endpoint.service(
                ticket_id=ticket.pk,
                actor=acting_as(request, ticket, endpoint.action),
                **serializer.validated_data,
            )
            return ticket

        def respond(acted_on):
            # Re-read without the scope: the caller saw it a moment ago, and an action may move
            # it. With an Idempotency-Key this runs inside the action's transaction.
            fresh = (
                Ticket.objects.select_related(*DETAIL_RELATED)
                .prefetch_related("attachments")
                .get(pk=acted_on.pk)
            )
            return Response(detail_data(request, fresh))

        return idempotency.respond_once(request, perform=perform, respond=respond)


def _view_for(endpoint: ActionEndpoint):
    name = "".join(part.title() for part in endpoint.name.split("-")) + "View"

    def post(self, request, number):
        return TicketActionView.post(self, request, number)

    post = extend_schema(
        operation_id=f"tickets_{endpoint.action.value}",
        summary=endpoint.summary,
        request=REQUEST_SCHEMAS.get(endpoint.name, endpoint.input),
        parameters=[idempotency.PARAMETER],
        responses={200: TicketDetailOutputSerializer},
        tags=["workflow"],
    )(post)
    return type(name, (TicketActionView,), {"endpoint": endpoint, "post": post})


ACTION_VIEWS = {endpoint.name: _view_for(endpoint) for endpoint in ENDPOINTS}
