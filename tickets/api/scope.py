"""Who the caller is, which tickets they see, and how much of the resident they see.

Scope (every list and every object lookup starts here):
- a staff user (session or personal token) sees `ticket_list_for(user)`, as in the admin;
- an API client sees the tickets it submitted, plus whatever its service user's memberships give
  through the same `ticket_list_for` (none unless a unit membership was granted in the admin).
Out-of-scope tickets are 404, never 403, so their existence is not disclosed.

Personal data (DESIGN.md §7): lists always show the resident masked. One ticket's detail shows
the full name and number to the hotline centre, to the lead unit's staff (not the name when the
resident asked for confidentiality) and to the API client that submitted it (it sent them);
anyone else gets them masked, and a confidential name is hidden from everyone but the hotline.
Every full disclosure is logged on `portal.audit` (who, when, which ticket).
"""

import logging
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from clients.models import ApiClient, Submission
from tickets import permissions
from tickets.models import Ticket
from tickets.privacy import mask_name, mask_phone
from tickets.selectors import ticket_list_for

audit = logging.getLogger("portal.audit")


def client_of(request) -> ApiClient | None:
    return request.auth if isinstance(request.auth, ApiClient) else None


def tickets_for(request) -> QuerySet[Ticket]:
    client = client_of(request)
    staff_scope = ticket_list_for(request.user)
    if client is None:
        return staff_scope
    own = Ticket.objects.filter(
        Exists(Submission.objects.filter(client=client, ticket=OuterRef("pk")))
    )
    return own if not permissions.roles_of(request.user) else staff_scope | own


def is_hotline(user) -> bool:
    return bool(user.is_superuser or permissions.hotline_roles(user))


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    full: bool  # True when shown unmasked (and logged)


def contact_for(request, ticket: Ticket) -> Contact:
    """The resident's contact details as this caller may see them on the ticket's detail."""
    user, client = request.user, client_of(request)
    own_submission = client is not None and ticket.submitted_by_id == client.user_id
    hotline = not own_submission and client is None and is_hotline(user)
    lead_staff = (
        not (own_submission or hotline)
        and ticket.lead_unit_id is not None
        and ticket.lead_unit_id in permissions.unit_ids(user)
    )
    full = own_submission or hotline or lead_staff
    if ticket.confidential and not (hotline or own_submission):
        name = ""
    else:
        name = ticket.contact_name if full else mask_name(ticket.contact_name)
    if full:
        contact = Contact(name, ticket.contact_phone, ticket.contact_email, True)
        if ticket.contact_phone and not own_submission:
            audit.info(
                "contact disclosed: ticket=%s user=%s client=%s",
                ticket.number,
                user.get_username(),
                client.name if client else "",
            )
        return contact
    return Contact(name, mask_phone(ticket.contact_phone), "", False)


def list_contact_name(ticket: Ticket) -> str:
    return "" if ticket.confidential else mask_name(ticket.contact_name)


def sees_internal_trajectory(request, ticket: Ticket) -> bool:
    """Staff in scope see every event; a client on its own submission sees the public ones."""
    client = client_of(request)
    if client is None:
        return True
    return ticket_list_for(request.user).filter(pk=ticket.pk).exists()
