"""Who the caller is, which tickets they see, and how much of the resident they see.

Scope (every list and every object lookup starts here):
- a staff user (session or personal token) sees `ticket_list_for(user)`, as in the admin;
- an API client sees the tickets it submitted, plus whatever its service user's memberships give
  through the same `ticket_list_for` (none unless a unit membership was granted in the admin).
Out-of-scope tickets are 404, never 403, so their existence is not disclosed.

Personal data (DESIGN.md §7, `tickets.contact`): lists always show the resident masked. One
ticket's detail reveals the name and number to the hotline centre and the lead unit's staff
(not a confidential name), logging each reveal in `portal.ContactReveal`, and shows them to the
API client that submitted the ticket; anyone else gets them masked.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from clients.models import ApiClient, Submission
from tickets import contact, permissions
from tickets.contact import Contact
from tickets.models import Ticket, TicketEvent
from tickets.privacy import mask_name
from tickets.selectors import ticket_list_for


def client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


def tickets_for(request) -> QuerySet[Ticket]:
    return tickets_for_caller(request.user, client_of(request))


def tickets_for_caller(user, client: ApiClient | None) -> QuerySet[Ticket]:
    """The caller's scope; for an API client, `user` is its service user."""
    staff_scope = ticket_list_for(user)
    if client is None:
        return staff_scope
    own = _submitted_by(client)
    return own if not permissions.roles_of(user) else staff_scope | own


def _submitted_by(client: ApiClient) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        Exists(Submission.objects.filter(client=client, ticket=OuterRef("pk")))
    )


def events_for_caller(user, client: ApiClient | None) -> QuerySet[TicketEvent]:
    """The trajectory events the caller sees (the change feed, webhooks): every event of the
    tickets in a staff scope, the public events of a client's own submissions."""
    if client is None:
        return TicketEvent.objects.filter(ticket__in=ticket_list_for(user).values("pk"))
    own = Q(ticket__in=_submitted_by(client).values("pk"), public=True)
    if not permissions.roles_of(user):
        return TicketEvent.objects.filter(own)
    return TicketEvent.objects.filter(own | Q(ticket__in=ticket_list_for(user).values("pk")))


def internal_ticket_ids(user, client: ApiClient | None, ticket_ids) -> set[int]:
    """Which of these tickets the caller sees every event of (staff scope), as
    `sees_internal_trajectory` decides for one ticket."""
    if client is None:
        return set(ticket_ids)
    if not permissions.roles_of(user):
        return set()
    return set(ticket_list_for(user).filter(pk__in=list(ticket_ids)).values_list("pk", flat=True))


def contact_for(request, ticket: Ticket) -> Contact:
    """The resident's contact details on the ticket's detail: revealed (and logged) to whoever
    may see them, in full to the client that submitted the ticket."""
    client = client_of(request)
    own = client is not None and ticket.submitted_by_id == client.user_id
    return contact.contact_for(request.user, ticket, reveal=True, own_submission=own)


def list_contact_name(ticket: Ticket) -> str:
    return "" if ticket.confidential else mask_name(ticket.contact_name)


def sees_internal_trajectory(request, ticket: Ticket) -> bool:
    """Staff in scope see every event; a client on its own submission sees the public ones."""
    client = client_of(request)
    if client is None:
        return True
    return ticket_list_for(request.user).filter(pk=ticket.pk).exists()
