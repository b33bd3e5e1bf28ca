"""Reads of tickets. `ticket_list_for` is the one place that decides who sees which ticket:
the admin, the API, exports and Open311 all start from it, so listing and object access agree.
"""

from django.db.models import Exists, OuterRef, QuerySet

from departments.models import Membership
from departments.selectors import unit_and_descendant_ids

from . import permissions
from .models import Assignment, Ticket

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
