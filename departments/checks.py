"""System checks for the units app."""

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def check_work_calendar(app_configs=None, **kwargs):
    """departments.W001: the current and next year's official holiday schedule is loaded."""
    from django.utils import timezone

    from departments.models import CalendarDay

    year = timezone.localdate().year
    try:
        official = set(
            CalendarDay.objects.filter(date__year__in=(year, year + 1), provisional=False).dates(
                "date", "year"
            )
        )
    except DatabaseError:
        return []
    years = {d.year for d in official}
    return [
        checks.Warning(
            f"the work calendar has no official holiday schedule for {y}",
            id="departments.W001",
            hint="Enter the State Council's schedule under Units and places › Work calendar.",
        )
        for y in (year, year + 1)
        # The next year's schedule is usually published in November: ask for it in December.
        if y not in years and (y == year or timezone.localdate().month == 12)
    ]
