"""Finding a ticket for the public tracking page, and remembering which ones this browser may see.

Invariants:
- a ticket is found only with its number and either its access code or the mobile number given
  when it was submitted; both are compared in constant time, and an unknown number costs the same
  comparisons as a known one, so the answer (and its timing) cannot tell which was wrong;
- after a successful look-up the number is kept in the session, so the ticket's page, the rating
  and the reopening request need no secret in the address; nothing else grants access.
"""

import re
import secrets

from tickets.models import Ticket
from tickets.numbering import ACCESS_CODE_LENGTH, access_code_matches
from tickets.phones import phone_or_none

SESSION_KEY = "portal_tracked"
MAX_REMEMBERED = 20
_NUMBER = re.compile(r"\d{8,16}")
# Compared against when the number is unknown; matches no code a ticket can have.
_NO_CODE = "!" * ACCESS_CODE_LENGTH
_NO_PHONE = "!" * 11


def clean_number(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "")


def find_ticket(number: str, secret: str) -> Ticket | None:
    """The ticket with this number whose access code or contact number is `secret`, else None."""
    number = clean_number(number)
    ticket = None
    if _NUMBER.fullmatch(number):
        ticket = (
            Ticket.objects.filter(number=number).only("number", "access_code", "contact_phone")
        ).first()
    code_ok = access_code_matches(ticket.access_code if ticket else _NO_CODE, secret)
    phone = phone_or_none(secret) or ""
    expected_phone = (ticket.contact_phone if ticket else "") or _NO_PHONE
    phone_ok = secrets.compare_digest(expected_phone.encode(), (phone or "-").encode())
    return ticket if ticket is not None and (code_ok or phone_ok) else None


def remember(session, number: str) -> None:
    numbers = [n for n in session.get(SESSION_KEY, []) if n != number]
    session[SESSION_KEY] = [*numbers, number][-MAX_REMEMBERED:]


def may_view(session, number: str) -> bool:
    return number in session.get(SESSION_KEY, [])
