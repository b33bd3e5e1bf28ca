"""What a user sees of a resident's contact details on one ticket (DESIGN.md §7).

- Shown masked (张*, 138****5678) unless revealed; a reveal is allowed to the hotline centre and
  to the staff of the ticket's current lead unit (`permissions.contact_visibility`), and every
  reveal is written to the log (`portal.ContactReveal`: who, when, which ticket, what).
- A resident who asked for confidentiality is never named to the handling unit: not even the
  masked name (only the hotline centre sees it).
- An API client sees in full what it submitted itself (it sent it): no reveal is logged.
"""

from dataclasses import dataclass

from . import permissions
from .privacy import mask_name, mask_phone


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    revealed: bool  # something is shown in full
    anonymous: bool = False
    confidential: bool = False


def contact_for(user, ticket, *, reveal: bool = False, own_submission: bool = False) -> Contact:
    if ticket.anonymous:
        return Contact("", "", "", False, anonymous=True)
    if own_submission:
        return Contact(
            ticket.contact_name, ticket.contact_phone, ticket.contact_email, True,
            confidential=ticket.confidential,
        )  # fmt: skip
    may_phone, may_name = permissions.contact_visibility(user, ticket)
    hotline = bool(user.is_superuser or permissions.hotline_roles(user))
    show_phone, show_name = (may_phone, may_name) if reveal else (False, False)
    if show_name:
        name = ticket.contact_name
    elif ticket.confidential and not hotline:
        name = ""
    else:
        name = mask_name(ticket.contact_name)
    contact = Contact(
        name=name,
        phone=ticket.contact_phone if show_phone else mask_phone(ticket.contact_phone),
        email=ticket.contact_email if show_phone else "",
        revealed=show_phone or show_name,
        confidential=ticket.confidential,
    )
    if contact.revealed:
        from portal.models import ContactReveal

        ContactReveal.objects.create(user=user, ticket=ticket, phone=show_phone, name=show_name)
    return contact
