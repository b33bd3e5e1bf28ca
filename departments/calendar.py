"""The work calendar as the pure deadline code needs it."""

from datetime import date

from tickets.sla import WorkCalendar

from .models import CalendarDay


def work_calendar(first: date, last: date) -> WorkCalendar:
    """Holidays and adjusted working days between `first` and `last` (one query)."""
    holidays, workdays = set(), set()
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
    for day, kind in rows:
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(day)
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))
