"""The two trees a resident picks from: categories (three levels) and places (district → street →
community). Both the submission form and its JSON helpers read them here, so the lists a script
fills in are exactly the lists the server accepts."""

from departments.models import Region
from tickets.models import Category


def category_tree() -> dict[int | None, list[Category]]:
    """Active categories by parent id (None for the top level), in display order: one query."""
    tree: dict[int | None, list[Category]] = {}
    for category in Category.objects.filter(is_active=True).only(
        "code", "name", "name_en", "level", "parent_id", "rank"
    ):
        tree.setdefault(category.parent_id, []).append(category)
    return tree


def category_children_of_code(code: str) -> list[Category] | None:
    """Active children of the first- or second-level category with `code`; None when there is
    no such category."""
    parent = (
        Category.objects.filter(code=code, is_active=True, level__lt=Category.LEAF_LEVEL)
        .only("pk")
        .first()
    )
    if parent is None:
        return None
    return list(
        Category.objects.filter(parent=parent, is_active=True).only("code", "name", "name_en")
    )


def region_children(parent: Region | None) -> list[Region]:
    """Districts for None, else the regions one level below `parent`, by code: one query."""
    regions = Region.objects.only("code", "name", "name_en", "level", "parent_id").order_by("code")
    if parent is None:
        return list(regions.filter(level=Region.Level.DISTRICT))
    if parent.level >= Region.Level.COMMUNITY:
        return []
    return list(regions.filter(parent=parent))


def region_children_of_code(code: str) -> list[Region] | None:
    """Children of the district or street with `code`; None when there is no such region."""
    parent = (
        Region.objects.filter(code=code, level__in=(Region.Level.DISTRICT, Region.Level.STREET))
        .only("pk", "level")
        .first()
    )
    return None if parent is None else region_children(parent)
