"""What an anonymous reader gets of a ticket (DESIGN.md §7). Open311, the open-data files,
/stats/ and any later public surface take a ticket's public fields from here and nowhere else.

The rule:
- **Description**: the hotline decides per ticket (`Ticket.description_publication`, set by
  `services.ticket_set_publication`). By default the resident's text is published de-identified
  (`tickets.deidentify.scrub`) once the hotline has accepted the ticket; nothing is published
  while it waits for acceptance (nobody at the hotline has read it yet), nor for a ticket closed
  as invalid. Staff may publish the de-identified text anyway, replace it with a public summary
  (de-identified too), or withhold it. A report (举报: it names the reported and could expose the
  reporter) and a ticket whose resident asked for confidentiality are *protected*: their own
  words are never published, at most a summary the hotline wrote.
- **Trajectory**: a public event is shown by what happened (`event_note`), never by its note:
  accept notes, instructions, reasons, replies and callback comments are staff free text.
- **Photos**: only those the hotline marked `published` (distinct from `public`, "shown to the
  resident"), through signed links (`tickets.files`). A photo URL a client sent with its
  request is not republished.
- **Place**: no finer than the community; never the typed address or the map point. On a map
  (Open311's `lat`/`long`, the open-data files' `lat`/`lon`) a ticket stands at the centre of its
  community's boundary — else its street's, else its district's — the same point for every ticket
  there (`point`): a community holds thousands of homes, so the point names none of them. The
  resident's own point is never published, not even rounded or coarsened.
/stats/ and its open-data files publish counts and rates per place, category and unit only: no
free text reaches them (tests/portal/test_public_surfaces.py reads them back with the rest).
"""

from django.utils.translation import gettext_lazy as _

from .deidentify import scrub
from .models import DescriptionPublication, Kind, Outcome
from .workflow import Action, Status

# Kinds whose description is never published (at most a staff summary), and outcomes whose
# description the default rule does not publish.
PROTECTED_KINDS = frozenset({Kind.REPORT})
WITHHELD_OUTCOMES = frozenset({Outcome.INVALID})

EVENT_NOTES = {
    Action.SUBMIT: _("Demand received"),
    Action.PHONE_INTAKE: _("Demand received by phone"),
    Action.ACCEPT: _("Accepted by the hotline"),
    Action.ANSWER_DIRECTLY: _("Answered by the hotline"),
    Action.CLOSE_AT_INTAKE: _("Closed by the hotline without dispatch"),
    Action.DISPATCH: _("Dispatched to the handling unit"),
    Action.SIGN_AND_CONTACT: _("The handling unit took it up and contacted the resident"),
    Action.DECIDE_EXTENSION: _("The reply deadline was extended"),
    Action.REPLY: _("The handling unit replied"),
    Action.RECORD_CALLBACK: _("The resident was called back; closed"),
    Action.REQUEST_REOPEN: _("The resident asked for the ticket to be reopened"),
    Action.REOPEN: _("Reopened for further handling"),
}


def is_protected(ticket) -> bool:
    """A report or a confidential ticket: the resident's words never go public."""
    return ticket.kind in PROTECTED_KINDS or ticket.confidential


def default_shows_description(ticket) -> bool:
    """The default rule: is the de-identified description published?"""
    return not (
        ticket.status == Status.SUBMITTED
        or is_protected(ticket)
        or ticket.outcome in WITHHELD_OUTCOMES
    )


def description(ticket) -> str:
    """The description as open data shows it; empty when nothing is published."""
    mode = ticket.description_publication
    if mode == DescriptionPublication.SUMMARY:
        return scrub(ticket.public_summary)
    if mode == DescriptionPublication.SCRUBBED and not is_protected(ticket):
        return scrub(ticket.description)
    if mode == DescriptionPublication.DEFAULT and default_shows_description(ticket):
        return scrub(ticket.description)
    return ""


def event_note(action: str) -> str:
    """What a public event says in open data: its type, in words."""
    note = EVENT_NOTES.get(action)
    if note is not None:
        return str(note)
    return str(Action(action).label) if action in Action else ""


# What a ticket's query must load for `point` without a query per ticket (the outlines' text
# itself is not needed: defer it).
POINT_RELATED = ("district__boundary", "street__boundary", "community__boundary")
POINT_DEFERRED = tuple(f"{related}__geometry" for related in POINT_RELATED)


def point(ticket) -> tuple[float, float] | None:
    """Where open data places the ticket on a map: the centre of the boundary of its community,
    else of its street, else of its district (None without any). Never the resident's point."""
    for region in (ticket.community, ticket.street, ticket.district):
        boundary = getattr(region, "boundary", None) if region is not None else None
        if boundary is not None:
            return boundary.centre_lat, boundary.centre_lon
    return None


def region_points(region_ids) -> dict[int, tuple[float, float]]:
    """The centre of each of these regions' boundaries (one query; regions without one left
    out): for rows that group tickets by place, e.g. the open-data files."""
    from geo.models import Boundary

    rows = Boundary.objects.filter(region__in=set(region_ids)).values_list(
        "region_id", "centre_lat", "centre_lon"
    )
    return {region_id: (lat, lon) for region_id, lat, lon in rows}


def place(ticket) -> tuple[str, str]:
    """The address no finer than the community, and that region's code."""
    parts = [r for r in (ticket.district, ticket.street, ticket.community) if r is not None]
    return "".join(r.name for r in parts), parts[-1].code
