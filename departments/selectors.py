"""Reads over the unit tree, and the memberships each user may see."""

from django.db.models import QuerySet

from .models import Department, Membership


def unit_and_descendant_ids(unit_ids) -> frozenset[int]:
    """The given units and every unit under them (one query per level of the tree)."""
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return frozenset(found)


def membership_list_for(user) -> QuerySet[Membership]:
    """Memberships `user` may see (Units › Memberships and a unit's page): all of them for
    superusers and the hotline centre (whose supervisors manage staff); for a unit head, those
    of the units they head and of every unit under them (a district government's head sees its
    street offices' staff), never the hotline's or another unit's; none for anyone else."""
    memberships = Membership.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return memberships.none()
    if user.is_superuser:
        return memberships
    roles = set(
        Membership.objects.filter(user=user, department__is_active=True).values_list(
            "department_id", "role"
        )
    )
    if any(role in Membership.HOTLINE_ROLES for _unit, role in roles):
        return memberships
    headed = [unit for unit, role in roles if role == Membership.Role.UNIT_HEAD]
    if not headed:
        return memberships.none()
    return memberships.filter(department_id__in=unit_and_descendant_ids(headed))
