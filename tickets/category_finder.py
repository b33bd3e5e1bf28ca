"""Finding a category by typing, as the call-taker's desk does: by its name (Chinese or
English), by any name of its path ("供暖" lists the leaves under 供暖), by its keywords, by
pinyin initials ("nq" finds 暖气漏水) or full pinyin ("nuanqi"). Only active leaves are found:
the only categories a ticket is filed under (`validation.clean_category`).

The index is kept per process and rebuilt when a category changes (`portal.finder.held_index`).
"""

import re

from portal.finder import Entry, Index, held_index

from .models import Category

RESULTS = 10
_KEYWORD_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _build() -> Index:
    leaves = Category.objects.filter(level=Category.LEAF_LEVEL, is_active=True).select_related(
        "parent__parent"
    )
    entries = []
    for leaf in leaves:
        middle, top = leaf.parent, leaf.parent.parent
        entries.append(
            Entry(
                key=leaf.pk,
                names=(leaf.name, leaf.name_en),
                path=(top.name, top.name_en, middle.name, middle.name_en),
                keywords=tuple(k for k in _KEYWORD_SEPARATORS.split(leaf.keywords) if k),
                order=(top.rank, top.code, middle.rank, middle.code, leaf.rank, leaf.code),
            )
        )
    return Index(entries)


def category_search(query: str, *, limit: int = RESULTS) -> list[Category]:
    """Active leaf categories matching every word of `query`, best first, each with its parents
    and urgency class loaded."""
    ids = held_index("categories", _build).search(query, limit=limit)
    found = Category.objects.select_related("parent__parent", "urgency").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
