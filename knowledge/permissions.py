"""Who may write and review which articles. One check, used by the services and the admin.

Scoped like tickets (`tickets.selectors.ticket_list_for`): the hotline centre's staff write
every article; a unit's handlers and heads write the articles of their unit and of the units
under it. Reviewing (publishing, returning to draft, withdrawing, correcting a published
article) is for the hotline's supervisors and for the heads of the owning unit or of a unit
above it. Superusers may do everything.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from departments.models import Membership
from departments.selectors import unit_and_descendant_ids
from tickets import permissions as ticket_permissions
from tickets.exceptions import NotPermitted

from .workflow import REVIEW_ACTIONS, Action, Status

Role = Membership.Role


def _active_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def writes_all(user) -> bool:
    """The hotline centre (and superusers) write every article."""
    return _active_staff(user) and (
        user.is_superuser or bool(ticket_permissions.hotline_roles(user))
    )


def writable_unit_ids(user) -> frozenset[int] | None:
    """The owning units whose articles `user` may write; None means every unit."""
    if not _active_staff(user):
        return frozenset()
    if writes_all(user):
        return None
    return unit_and_descendant_ids(ticket_permissions.unit_ids(user))


def reviewed_unit_ids(user) -> frozenset[int] | None:
    """The owning units whose articles `user` may review; None means every unit."""
    if not _active_staff(user):
        return frozenset()
    roles = ticket_permissions.roles_of(user)
    if user.is_superuser or any(role == Role.SUPERVISOR for _unit, role in roles):
        return None
    heads = [unit for unit, role in roles if role == Role.UNIT_HEAD]
    return unit_and_descendant_ids(heads) if heads else frozenset()


def scope(user) -> Q:
    """A filter on articles: those `user` may write."""
    units = writable_unit_ids(user)
    if units is None:
        return Q()
    return Q(owner_id__in=units) if units else Q(pk__in=[])


def _within(units: frozenset[int] | None, unit_id: int) -> bool:
    return units is None or unit_id in units


def can_write(user, owner_id: int) -> bool:
    return _within(writable_unit_ids(user), owner_id)


def can_review(user, owner_id: int) -> bool:
    return _within(reviewed_unit_ids(user), owner_id)


def can(user, article, action: Action) -> bool:
    """May `user` take `action` on `article`? (The status is checked by the workflow.)"""
    if action in REVIEW_ACTIONS:
        return can_review(user, article.owner_id)
    if action == Action.EDIT and article.status == Status.PUBLISHED:
        return can_review(user, article.owner_id)
    return can_write(user, article.owner_id)


def check(user, article, action: Action) -> None:
    if not can(user, article, action):
        raise NotPermitted(
            _("You may not “%(action)s” the article “%(title)s”.")
            % {"action": Action(action).label, "title": article.title}
        )
