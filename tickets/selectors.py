"""Reads of tickets. `ticket_list_for` is the one place that decides who sees which ticket:
the admin, the API, exports and Open311 all start from it, so listing and object access agree.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from departments.models import Membership, Region
from departments.selectors import unit_and_descendant_ids

from . import permissions
from .models import Assignment, Ticket
from .workflow import Status

SEES_ALL = Membership.HOTLINE_ROLES | {Membership.Role.ANALYST}


def ticket_list_for(user) -> QuerySet[Ticket]:
    """Tickets `user` may see: all for the hotline centre and analysts; for a unit's staff, the
    tickets their unit (or a unit under it) holds or held an assignment on; none otherwise."""
    tickets = Ticket.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return tickets.none()
    if user.is_superuser:
        return tickets
    roles = permissions.roles_of(user)
    if any(role in SEES_ALL for _unit, role in roles):
        return tickets
    units = unit_and_descendant_ids(permissions.unit_ids(user))
    if not units:
        return tickets.none()
    return tickets.filter(
        Exists(Assignment.objects.filter(ticket=OuterRef("pk"), unit_id__in=units))
    )


def trajectory(ticket: Ticket, *, public_only: bool = False):
    events = ticket.events.select_related("unit").order_by("created_at", "pk")
    return events.filter(public=True) if public_only else events


REPEAT_WINDOW = timedelta(days=30)


def caller_history(phone: str, *, limit: int = 10):
    """A caller's latest tickets, newest first (phone intake shows them)."""
    return (
        Ticket.objects.filter(citizen__phone=phone)
        .select_related("category__parent__parent", "lead_unit")
        .order_by("-submitted_at")[:limit]
    )


def likely_repeats(phone: str, *, category=None, address: str = "", now=None):
    """The caller's tickets of the last 30 days with the same category or the same address:
    the operator should probably link the new call to one of them (a repeat demand)."""
    now = now or timezone.now()
    same = Q()
    if category is not None:
        same |= Q(category=category)
    if address.strip():
        same |= Q(address__iexact=address.strip())
    if not same:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(citizen__phone=phone, submitted_at__gte=now - REPEAT_WINDOW)
        .filter(same)
        .select_related("category__parent__parent")
        .order_by("-submitted_at")
    )


def duplicate_candidates(ticket: Ticket, *, limit: int = 10):
    """Other tickets of the last 30 days about the same category in the same place: the likely
    originals when an operator closes a ticket as a duplicate."""
    place = (
        Q(community=ticket.community_id)
        if ticket.community_id
        else Q(street=ticket.street_id)
        if ticket.street_id
        else Q(district=ticket.district_id)
    )
    return (
        Ticket.objects.filter(place, category=ticket.category_id)
        .filter(submitted_at__gte=ticket.submitted_at - REPEAT_WINDOW)
        .exclude(pk=ticket.pk)
        .filter(duplicate_of__isnull=True)
        .order_by("-submitted_at")[:limit]
    )


def open_tickets_like(*, category, region, limit: int = 5) -> QuerySet[Ticket]:
    """Open tickets of the same leaf category at the same place (community, else street, else
    district), newest first: the residents' "already reported?" list. Callers show only public
    facts (number, date, status, handling unit), never the description, address or contact."""
    place = {
        Region.Level.COMMUNITY: "community",
        Region.Level.STREET: "street",
        Region.Level.DISTRICT: "district",
    }.get(region.level)
    if place is None:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(**{place: region}, category=category)
        .exclude(status=Status.CLOSED)
        .select_related("lead_unit")
        .only("number", "status", "submitted_at", "category_id", "lead_unit__name")
        .order_by("-submitted_at")[:limit]
    )
