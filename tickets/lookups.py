"""Categories and regions by code, as intake needs them, from the `reference` cache.

Every submission names a category and a region by code, and these rows change a few times a
year. `category(code)` is the category with its urgency class and its questions; `region(code)` is
the region with its ancestors (the ticket stores its district, street and community);
`suggested_unit_id(category, region)` is the unit the dispatch catalogue names for them. All come
from `caches["reference"]`, each process's own memory (settings.CACHES). Saving or deleting a
category, a question, an urgency class, a region, a dispatch rule or a unit clears this process's
cache at once; other processes load the change when their copy expires
(`PORTAL_REFERENCE_CACHE_SECONDS`, 60 s by default). Unknown codes are looked up every time and
never cached.

Cached objects are shared between requests: read them, never change them.
"""

import re

from django.core.cache import caches
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.db.models.signals import post_delete, post_save

from departments.catalogue import suggest_lead_unit
from departments.models import Department, DispatchRule, Region

from .models import Category, CategoryAttribute, UrgencyClass

# What a category or region code can look like; anything else is looked up without the cache
# (cache keys must not hold spaces or control characters).
_KEY_SAFE = re.compile(r"[^\s\x00-\x20\x7f]{1,60}")


def _cache():
    return caches["reference"]


def _cached(prefix: str, code: str, load):
    if not isinstance(code, str) or not _KEY_SAFE.fullmatch(code):
        return load(code)  # not a code we could have cached (too long, spaces, control chars)
    key = f"{prefix}:{code}"
    found = _cache().get(key)
    if found is None:
        found = load(code)
        if found is not None:
            _cache().set(key, found)
    return found


def _category(**where) -> Category | None:
    found = (
        Category.objects.select_related("urgency")
        .annotate(has_questions=Exists(CategoryAttribute.objects.filter(category=OuterRef("pk"))))
        .filter(**where)
        .first()
    )
    if found is not None and found.has_questions:
        prefetch_related_objects([found], "attributes")
    return found


def _region(**where) -> Region | None:
    return Region.objects.select_related("parent__parent__parent").filter(**where).first()


def category(code: str) -> Category | None:
    """The category with this code (active or not: the caller decides), or None."""
    return _cached("category", code, lambda code: _category(code=code))


def category_by_pk(pk: int) -> Category | None:
    """The same by primary key, from the database (the rare caller that names a row by id)."""
    return _category(pk=pk)


def region(code: str) -> Region | None:
    """The region with this code, its parent, grandparent and great-grandparent loaded."""
    return _cached("region", code, lambda code: _region(code=code))


def region_by_pk(pk: int) -> Region | None:
    return _region(pk=pk)


def suggested_unit_id(category: Category, region: Region) -> int | None:
    """The id of the unit the dispatch catalogue names for `category` in `region`, or None
    (`departments.catalogue.suggest_lead_unit`: the rule for the nearest category and the finest
    region, else the district government)."""
    key = f"route:{category.pk}:{region.pk}"
    found = _cache().get(key)
    if found is None:
        unit = suggest_lead_unit(category, region)
        found = unit.pk if unit is not None else 0  # 0: none, cached too
        _cache().set(key, found)
    return found or None


def clear() -> None:
    _cache().clear()


def _changed(**kwargs):
    clear()


# Any saved or deleted row of these can change what the cache holds.
for _model in (Category, CategoryAttribute, UrgencyClass, Region, DispatchRule, Department):
    for _signal in (post_save, post_delete):
        _signal.connect(_changed, sender=_model, dispatch_uid=f"lookups.{_model.__name__}")
