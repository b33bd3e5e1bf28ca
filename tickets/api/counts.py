"""The counts the dashboard shows, as SQL aggregates over a scoped ticket queryset.

Modest on purpose: the analytics proper (rates, rankings, hotspots, summary tables) are
`tickets/stats.py` (issue 7). Each function is one GROUP BY query.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tickets.sla import SHANGHAI
from tickets.workflow import Status


def intake_by_day_and_channel(tickets: QuerySet, *, days: int) -> list[dict]:
    """Tickets submitted per Beijing day and channel over the last `days` days (today included)."""
    today = timezone.now().astimezone(SHANGHAI).date()
    start = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=SHANGHAI)
    return list(
        tickets.filter(submitted_at__gte=start)
        .annotate(date=TruncDate("submitted_at", tzinfo=SHANGHAI))
        .values("date", "channel")
        .annotate(count=Count("pk"))
        .order_by("date", "channel")
    )


def open_by_status(tickets: QuerySet) -> list[dict]:
    return list(
        tickets.filter(~Q(status=Status.CLOSED))
        .values("status")
        .annotate(count=Count("pk"))
        .order_by("status")
    )


def overdue_by_unit(tickets: QuerySet, *, limit: int = 20) -> list[dict]:
    """Open tickets past their running deadline, per lead unit (None: not yet dispatched)."""
    rows = (
        tickets.filter(~Q(status=Status.CLOSED), due_at__lt=timezone.now())
        .values("lead_unit__code", "lead_unit__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "lead_unit__code")[:limit]
    )
    return [
        {
            "unit": (
                {"code": row["lead_unit__code"], "name": row["lead_unit__name"]}
                if row["lead_unit__code"]
                else None
            ),
            "count": row["count"],
        }
        for row in rows
    ]
