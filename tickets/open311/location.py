"""Placing a GeoReport request in the region tree.

Every ticket needs a region (district or finer). GeoReport's `address_id` is "the internal
address ID used by a jurisdiction's master address repository": ours is the region tree, so
`address_id` is a region code (the codes are listed at `/api/v1/regions/`). Otherwise the
`address_string` is matched against region names: the finest region whose name appears in it,
preferring one whose district (and street) also appear. The region tree has no geometry, so
`lat`/`long` alone cannot place a request: such a request is refused with a 400 that says so.
"""

from django.db.models import F, Value
from django.db.models.functions import StrIndex

from departments.models import Region


def region_by_code(code: str) -> Region | None:
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    return region if region is not None and region.level >= Region.Level.DISTRICT else None


def region_in_address(address: str) -> Region | None:
    """The finest district-or-finer region named in `address`, or None."""
    address = (address or "").strip()
    if not address:
        return None
    named = list(
        Region.objects.filter(level__gte=Region.Level.DISTRICT)
        .annotate(at=StrIndex(Value(address), F("name")))
        .filter(at__gt=0)
        .select_related("parent__parent__parent")
    )
    if not named:
        return None
    named_ids = {r.pk for r in named}

    def support(region: Region) -> int:
        ancestors, node = 0, region.parent
        while node is not None:
            ancestors += node.pk in named_ids
            node = node.parent if node.level > Region.Level.DISTRICT else None
        return ancestors

    best = max(named, key=lambda r: (r.level, support(r), -len(r.code)))
    rivals = [r for r in named if r.level == best.level and support(r) == support(best)]
    if len(rivals) > 1:
        # Ambiguous at that level (two communities of the same name): fall back to what they
        # share, the finest common ancestor that was named too.
        parents = {r.parent_id for r in rivals}
        if len(parents) == 1 and best.parent_id in named_ids:
            return best.parent
        return None
    return best
