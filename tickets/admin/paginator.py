"""A paginator that never counts a whole table, and joins only the rows of its page.

The changelist needs a count for its page links; on a million tickets `COUNT(*)` alone costs more
than the page. This counts at most `cap` + 1 rows (a LIMITed subquery); beyond that the list shows
"more than N" and the pages up to the cap, which is all anyone pages through — filters narrow the
rest.

A page is read in two steps: the ids of its rows first (the ticket table and the filters' own
joins, sorted and LIMITed), then those rows with the list's eight joined tables. In one query the
planner, which cannot estimate a deadline range near now (it guesses one row where there are
thousands), joins every matching ticket before sorting and cutting the page: 0.6 s for the
"due within 24 h" list at a million tickets, growing with the table. Two queries keep the count
of queries constant and the joins at one page's rows (bench/RESULTS.md, issue 18).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self):
        # Unordered, so that the LIMIT stops the scan at the cap instead of sorting every match.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
