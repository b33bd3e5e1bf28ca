"""The two trees a resident picks from: categories (three levels) and places (district → street →
community). Both the submission form and its JSON helpers read them here, so the lists a script
fills in are exactly the lists the server accepts."""

from departments.models import Region
from departments.place_finder import place_search, places_in
from tickets.models import Category

PLACE_RESULTS = 10
FIELD_OF_LEVEL = {
    Region.Level.DISTRICT: "district",
    Region.Level.STREET: "street",
    Region.Level.COMMUNITY: "community",
}


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


def find_places(query: str, limit: int = PLACE_RESULTS) -> list[Region]:
    """Districts, streets and communities found by what the resident typed: part of the
    Chinese or English name, or its pinyin ("hpj", "hepingjie"), names that start with it first,
    then streets before communities, by code; when no name contains it, the places it names (an
    address: "和平街15号楼" finds 和平街街道). The same search as the call-taker's desk
    (`departments.place_finder`), without the desk's search by the names above a place. Each
    comes with the places above it, to be shown as "胜古南社区 · 和平街街道 · 朝阳区" and to fill
    the three lists."""
    return place_search(query, limit=limit, paths=False) or places_in(query, limit=limit)


def place_option(region: Region) -> dict:
    """A found place as the form shows it: its name, the places above it ("和平街街道 · 朝阳区"),
    and the codes that fill the lists, district first."""
    above = [r for r in region.lineage()[1:] if r.level >= Region.Level.DISTRICT]
    return {
        "value": region.code,
        "label": region.display_name,
        "context": " · ".join(r.display_name for r in above),
        "codes": [r.code for r in reversed([region, *above])],
    }


def place_lineage(code: str) -> dict[str, Region] | None:
    """The district, street and community (as far as known) of the region with `code`, keyed
    by the form's field names; None for an unknown code or one above the districts."""
    region = (
        Region.objects.filter(code=code, level__gte=Region.Level.DISTRICT)
        .select_related("parent__parent__parent")
        .first()
    )
    if region is None:
        return None
    return {FIELD_OF_LEVEL[r.level]: r for r in region.lineage() if r.level in FIELD_OF_LEVEL}
