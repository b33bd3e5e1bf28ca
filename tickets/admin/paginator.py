"""A paginator that never counts a whole table.

The changelist needs a count for its page links; on a million tickets `COUNT(*)` alone costs more
than the page. This counts at most `cap` + 1 rows (a LIMITed subquery); beyond that the list shows
"more than N" and the pages up to the cap, which is all anyone pages through — filters narrow the
rest.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self):
        return self.object_list.values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
