"""Finding a place (a district, street or community) by typing, and the places an address
names. The residents' "find the place" box (`portal.choices.find_places`) and the call-taker's
desk both search here, so they find the same places the same way.

- `place_search("和平街")`: by name (Chinese or English), pinyin initials or full pinyin
  ("hpj", "hepingjie"), and — with `paths` — by a name above it ("和平街 胜古" finds 胜古南社区
  under 和平街街道).
- `places_in("朝阳区和平街胜古南里12号楼")`: the places whose name, or its short form without
  the kind (和平街 for 和平街街道, 胜古南 for 胜古南社区, 朝阳 for 朝阳区), occurs in the text,
  those with more of their lineage named in it first, then the finest.

Only districts and finer places are found: a ticket is located at least at its district.
The index is kept per process and rebuilt when a region changes (`portal.finder.held_index`).
"""

from portal.finder import Entry, Index, held_index

from .models import Region

RESULTS = 10
# The kinds of place a name ends with, longest first: what is left names the place in an
# address ("和平街15号" says 和平街街道).
KIND_SUFFIXES = (
    "街道办事处",
    "地区办事处",
    "社区居委会",
    "居民委员会",
    "村民委员会",
    "居委会",
    "村委会",
    "街道",
    "地区",
    "社区",
    "村",
    "镇",
    "乡",
    "区",
)


def short_name(name: str) -> str:
    """The name without its kind ("和平街街道" → "和平街"), or "" when less than two characters
    would be left."""
    for suffix in KIND_SUFFIXES:
        if name.endswith(suffix):
            rest = name[: -len(suffix)]
            return rest if len(rest) >= 2 else ""
    return ""


def _build() -> Index:
    rows = Region.objects.filter(level__gte=Region.Level.DISTRICT).values_list(
        "pk", "code", "name", "name_en", "level", "parent_id"
    )
    by_pk = {row[0]: row for row in rows}
    entries = []
    for pk, code, name, name_en, level, parent_id in rows:
        path = []
        parent = by_pk.get(parent_id)
        while parent is not None:
            path += [parent[2], parent[3]]
            parent = by_pk.get(parent[5])
        entries.append(
            Entry(
                key=pk,
                names=(name, name_en),
                path=tuple(path),
                short=(short_name(name),),
                order=(level, code),
            )
        )
    return Index(entries)


def _index() -> Index:
    return held_index("places", _build)


def _regions(ids: list[int]) -> list[Region]:
    """The regions with these ids, in this order, each with the places above it (one query)."""
    found = Region.objects.select_related("parent__parent__parent").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def place_search(query: str, *, limit: int = RESULTS, paths: bool = True) -> list[Region]:
    """Places matching every word of `query`, best first (see the module's docstring)."""
    return _regions(_index().search(query, limit=limit, paths=paths))


def places_in(text: str, *, limit: int = RESULTS) -> list[Region]:
    """The places an address names, most likely first: more of its lineage named in the text,
    then finer, then a longer name found."""
    found = _index().found_in(text)
    if not found:
        return []
    regions = _regions(list(found))

    def rank(region: Region):
        named = sum(1 for r in region.lineage() if r.pk in found)
        return (-named, -region.level, -found[region.pk], region.code)

    return sorted(regions, key=rank)[:limit]
