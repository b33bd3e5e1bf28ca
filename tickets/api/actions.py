"""The workflow actions as API endpoints: `POST /api/v1/tickets/{number}/<endpoint>/`.

Each entry binds an endpoint name to its `Action`, its input serializer and its service
function. The view only resolves the ticket within the caller's scope, checks an API client's
allowed actions, and calls the service with the validated fields as keyword arguments.
"""

from dataclasses import dataclass

from django.utils import timezone

from tickets import permissions, rules, services, workflow
from tickets.workflow import Action

from .serializers import actions as inputs


@dataclass(frozen=True)
class ActionEndpoint:
    action: Action
    name: str  # the URL segment
    input: type
    service: object
    summary: str


ENDPOINTS = [
    ActionEndpoint(
        Action.ACCEPT,
        "accept",
        inputs.AcceptInputSerializer,
        services.ticket_accept,
        "Accept (classify) a submitted demand",
    ),
    ActionEndpoint(
        Action.ANSWER_DIRECTLY,
        "answer-directly",
        inputs.AnswerDirectlyInputSerializer,
        services.ticket_answer_directly,
        "Answer a consultation on the spot and close it",
    ),
    ActionEndpoint(
        Action.CLOSE_AT_INTAKE,
        "close-at-intake",
        inputs.CloseAtIntakeInputSerializer,
        services.ticket_close_at_intake,
        "Close without dispatch: duplicate, invalid or referred",
    ),
    ActionEndpoint(
        Action.DISPATCH,
        "dispatch",
        inputs.DispatchInputSerializer,
        services.ticket_dispatch,
        "Dispatch to a lead unit and co-handling units",
    ),
    ActionEndpoint(
        Action.RETURN,
        "return",
        inputs.ReasonInputSerializer,
        services.ticket_return,
        "Return a wrongly dispatched ticket (lead unit)",
    ),
    ActionEndpoint(
        Action.SIGN_AND_CONTACT,
        "sign-and-contact",
        inputs.SignAndContactInputSerializer,
        services.ticket_sign_and_contact,
        "Sign for the ticket and record the first contact (lead unit)",
    ),
    ActionEndpoint(
        Action.REQUEST_EXTENSION,
        "request-extension",
        inputs.RequestExtensionInputSerializer,
        services.ticket_request_extension,
        "Ask for a later reply deadline (lead unit)",
    ),
    ActionEndpoint(
        Action.DECIDE_EXTENSION,
        "decide-extension",
        inputs.DecideExtensionInputSerializer,
        services.ticket_decide_extension,
        "Approve or reject the pending extension request",
    ),
    ActionEndpoint(
        Action.ADD_NOTE,
        "add-note",
        inputs.TextInputSerializer,
        services.ticket_add_note,
        "Add an internal note",
    ),
    ActionEndpoint(
        Action.SUPERVISE,
        "supervise",
        inputs.SuperviseInputSerializer,
        services.ticket_supervise,
        "Supervise (督办) with an instruction",
    ),
    ActionEndpoint(
        Action.REPLY,
        "reply",
        inputs.TextInputSerializer,
        services.ticket_reply,
        "Reply with the result (lead unit)",
    ),
    ActionEndpoint(
        Action.RECORD_CALLBACK,
        "record-callback",
        inputs.RecordCallbackInputSerializer,
        services.ticket_record_callback,
        "Record the callback (回访) and close",
    ),
    ActionEndpoint(
        Action.REQUEST_REOPEN,
        "request-reopen",
        inputs.ReasonInputSerializer,
        services.ticket_request_reopen,
        "Ask for a closed ticket to be reopened",
    ),
    ActionEndpoint(
        Action.REOPEN,
        "reopen",
        inputs.ReasonInputSerializer,
        services.ticket_reopen,
        "Reopen a closed ticket",
    ),
]
BY_ACTION = {e.action: e for e in ENDPOINTS}


def acting_as(request, ticket, action: Action):
    """The actor passed to the service.

    An API client submitting, rating or asking to reopen a ticket it sent acts for the resident
    (actor None, as on the public tracking page); everything else is done as the caller's user,
    so the ordinary permission checks apply.
    """
    from .scope import client_of

    client = client_of(request)
    if (
        client is not None
        and action in permissions.RESIDENT_ACTIONS
        and ticket.submitted_by_id == client.user_id
    ):
        return None
    return request.user


def available_actions(request, ticket, *, now=None) -> list[str]:
    """Endpoint names the caller may use on `ticket` now: the client's grants, then the same
    question the ticket page asks (`permissions.may`: status, role and the ticket's state)."""
    from .scope import client_of

    client = client_of(request)
    facts = rules.Facts(ticket)  # read on first use: most endpoints need none of it
    now = now or timezone.now()
    return [
        endpoint.name
        for endpoint in ENDPOINTS
        if workflow.is_allowed(ticket.status, endpoint.action)
        and (client is None or client.may(endpoint.action))
        and permissions.may(
            acting_as(request, ticket, endpoint.action),
            ticket,
            endpoint.action,
            facts=facts,
            now=now,
        )
    ]
