"""The data behind every staff chart (drawn by `tickets/static/tickets/charts.js`): one shape for
the dashboard and the analytics pages, so all charts follow the same rules — value axes start at
zero, counts get whole-number ticks, rates sit on a 0–100 % axis, a legend appears when there is
more than one series, and a period still running (today, this week, this month) is drawn as
partial (hollow point, dashed line, "so far" in its label) rather than as a drop."""

from django.utils.translation import gettext as _

COUNT, PERCENT = "count", "percent"


def chart(
    kind: str,
    labels: list[str],
    series: dict[str, list],
    *,
    unit: str = COUNT,
    horizontal: bool = False,
    stacked: bool = False,
    partial_last: bool = False,
) -> dict:
    """A chart spec: `kind` "line" or "bar"; `series` maps each legend label to its values
    (None for a gap)."""
    labels = [str(label) for label in labels]
    if partial_last and labels:
        labels[-1] = _("%(period)s (so far)") % {"period": labels[-1]}
    return {
        "type": kind,
        "labels": labels,
        "datasets": [{"label": str(name), "values": values} for name, values in series.items()],
        "unit": unit,
        "horizontal": horizontal,
        "stacked": stacked,
        "partial_last": partial_last,
    }
