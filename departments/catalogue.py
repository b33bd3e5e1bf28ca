"""Resolving the dispatch catalogue (派单目录) to the unit a ticket should go to.

Order (DESIGN.md §2): a rule for the category (or its nearest ancestor category) limited to the
ticket's region or one of its ancestors, most specific region first; else the category's general
rule. A rule naming a unit gives that unit; a rule naming a unit kind gives the unit of that kind
covering the ticket's region (属地管理). Failing all, the ticket's district government (兜底).
Units in `exclude` (those that returned the ticket) are passed over: the next rule applies.
"""

from .models import Department, DispatchRule, Region


def suggest_lead_unit(category, region: Region, *, exclude=frozenset()) -> Department | None:
    lineage = region.lineage()  # finest first
    region_rank = {r.pk: i for i, r in enumerate(lineage)}
    categories = []
    node = category
    while node is not None:
        categories.append(node)
        node = node.parent
    category_rank = {c.pk: i for i, c in enumerate(categories)}
    rules = DispatchRule.objects.filter(category__in=categories).select_related("unit")
    candidates = [r for r in rules if r.region_id is None or r.region_id in region_rank]
    # Nearest category first; within it, the most specific region, the general rule last.
    candidates.sort(
        key=lambda r: (
            category_rank[r.category_id],
            region_rank.get(r.region_id, len(lineage)),
        )
    )
    for rule in candidates:
        unit = rule.unit if rule.unit_id else covering_unit(rule.unit_kind, lineage)
        if unit is not None and unit.is_active and unit.pk not in exclude:
            return unit
    backstop = covering_unit(Department.Kind.DISTRICT_GOVERNMENT, lineage)
    return backstop if backstop is not None and backstop.pk not in exclude else None


def covering_unit(kind: str, lineage: list[Region]) -> Department | None:
    """The active unit of `kind` whose area is the finest region in `lineage`."""
    units = Department.objects.filter(kind=kind, is_active=True, region__in=lineage)
    by_region = {u.region_id: u for u in units}
    return next((by_region[r.pk] for r in lineage if r.pk in by_region), None)
