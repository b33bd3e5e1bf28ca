"""Reads over the unit tree."""

from .models import Department


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
