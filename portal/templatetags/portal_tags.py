"""Template filters of the residents' site."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(value: timedelta, working_days=False) -> str:
    """A time limit in words: "2 hours", "7 days", or "7 working days" for working-day classes."""
    if not isinstance(value, timedelta):
        return ""
    hours = int(value.total_seconds() // 3600)
    if working_days:
        days = max(1, -(-hours // 24))
        return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    if hours > 24 and hours % 24 == 0:
        days = hours // 24
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, int(value.total_seconds() // 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
