"""Analytics pages in the staff admin: rates and rankings, a unit's trend, intake, hotspots,
repeat demands, monthly-topic candidates. Each page is a table (with a chart where it helps) and
the same table as CSV (`?format=csv`). Pages read the summary tables only."""

import csv
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Region
from geo import maps
from portal import replica
from tickets import permissions
from tickets.models import Category, Channel, Kind

from . import evaluation, findings
from .charts import PERCENT, chart
from .months import MonthField
from .refresh import last_month, month_of, next_month, this_month

RANKED_KINDS = [(k.value, k.label) for k in Department.Kind if k != Department.Kind.HOTLINE_CENTRE]


def may_analyse(user) -> bool:
    from departments.models import Membership

    roles = {role for _unit, role in permissions.roles_of(user)}
    return user.is_superuser or bool(roles & (Membership.HOTLINE_ROLES | {"analyst"}))


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def signed(value) -> str:
    return "" if value is None else f"{value * 100:+.1f}"


def month_label(month) -> str:
    """A month as people write it: 2026年10月, October 2026 (the language's YEAR_MONTH_FORMAT)."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def month_cell(month) -> dict:
    """A table cell showing the month as people write it; the CSV keeps 2026-10."""
    return {"text": month_label(month), "csv": f"{month:%Y-%m}"}


def rate_points(value) -> float | None:
    return None if value is None else round(value * 100, 1)


class RatesFilter(forms.Form):
    month = MonthField(label=_("month"), required=False)
    kind = forms.ChoiceField(label=_("unit kind"), choices=RANKED_KINDS, required=False)
    excluded = forms.ChoiceField(
        label=_("reviewed exclusions"),
        choices=[("1", _("applied")), ("0", _("not applied"))],
        required=False,
    )


class PeriodFilter(forms.Form):
    first = forms.DateField(
        label=_("from date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("to date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granularity = forms.ChoiceField(
        label=_("per"),
        choices=[("day", _("day")), ("week", _("week")), ("month", _("month"))],
        required=False,
    )
    by = forms.ChoiceField(
        label=_("group by"),
        choices=[("channel", _("channel")), ("kind", _("kind of demand"))],
        required=False,
    )
    place = forms.ChoiceField(
        label=_("place level"),
        choices=[
            ("district", _("district")),
            ("street", _("street")),
            ("community", _("community")),
        ],
        required=False,
    )
    level = forms.TypedChoiceField(
        label=_("category level"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        required=False,
    )


class WindowFilter(forms.Form):
    window = forms.TypedChoiceField(
        label=_("window"),
        coerce=int,
        choices=[(7, _("7 days")), (30, _("30 days"))],
        required=False,
    )


SHOWN_ROWS = 500  # on the page; the CSV has every row


def _page(
    request, *, title, help_text="", form=None, headers, rows, chart=None, csv_name, map=None
):
    """Render the common table page (its first SHOWN_ROWS rows), or its CSV (all of them)."""
    if request.GET.get("format") == "csv":
        if form is not None and form.errors:
            return HttpResponseBadRequest(
                "\n".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(h) for h in headers])
        for row in rows:
            writer.writerow(
                [cell.get("csv", cell["text"]) if isinstance(cell, dict) else cell for cell in row]
            )
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **admin.site.each_context(request),
        "title": title,
        "help_text": help_text,
        "form": form,
        "headers": headers,
        "rows": rows[:SHOWN_ROWS],
        "hidden_rows": max(0, len(rows) - SHOWN_ROWS),
        "chart": chart,
        "map": map,
        "map_config": maps.config() if map else None,
        "csv_url": f"?{query.urlencode()}",
        "pages": [(reverse(name), query, label) for name, query, label in PAGES],
    }
    # A filter the page could not use (e.g. a month outside the statistics' years) is shown
    # beside its field; the page shows the defaults instead, answered as a bad request.
    status = 400 if form is not None and form.errors else 200
    return TemplateResponse(request, "admin/analytics/table.html", context, status=status)


def _bound(form_class, request, **defaults):
    """A filter form always bound: the query's values over the page's defaults, so the controls
    show what the page shows. The values that did not validate are left out of the returned
    data (the page falls back to its defaults for them) and shown as errors on the form."""
    data = {**{k: v for k, v in defaults.items() if v is not None}, **request.GET.dict()}
    form = form_class(data)
    form.is_valid()
    return form, form.cleaned_data


def _guard(request):
    if not may_analyse(request.user):
        raise PermissionDenied


def rates_view(request):
    """Rankings within a unit kind: the three rates, composite, grade, change, on-time shares."""
    _guard(request)
    form, data = _bound(
        RatesFilter,
        request,
        month=f"{last_month():%Y-%m}",
        kind=Department.Kind.STREET_OFFICE,
        excluded="1",
    )
    month = data.get("month") or last_month()
    kind = data.get("kind") or Department.Kind.STREET_OFFICE
    excluded = data.get("excluded", "1") != "0"
    standings = evaluation.standings(kind, month.replace(day=1), excluded=excluded)
    headers = [
        _("rank"),
        _("unit"),
        _("valid callbacks"),
        _("response rate"),
        _("resolution rate"),
        _("satisfaction rate"),
        _("composite"),
        _("grade"),
        _("change on last month"),
        _("composite without exclusions"),
        _("dispatched on time"),
        _("contacted on time"),
        _("replied on time"),
    ]
    rows = []
    for s in standings:
        trend_url = reverse("admin:analytics_unit", args=[s.unit.pk]) + f"?month={month:%Y-%m}"
        rows.append(
            [
                s.rank or "—",
                {"text": s.unit.display_name, "url": trend_url},
                s.valid,
                percent(s.rates["response"]),
                percent(s.rates["resolution"]),
                percent(s.rates["satisfaction"]),
                percent(s.rates["composite"]),
                s.grade,
                signed(s.change),
                percent(s.rates_all["composite"]),
                percent(s.on_time["dispatch"]),
                percent(s.on_time["response"]),
                percent(s.on_time["reply"]),
            ]
        )
    # Only units with a score: a unit without valid callbacks has no bar to draw.
    scored = [s for s in standings if s.rank and s.valid and s.rates["composite"] is not None]
    composite = chart(
        "bar",
        [s.unit.display_name for s in scored],
        {_("composite"): [rate_points(s.rates["composite"]) for s in scored]},
        unit=PERCENT,
    )
    title = _("Rankings: %(kind)s, %(month)s") % {
        "kind": dict(RANKED_KINDS).get(kind, kind),
        "month": month_label(month),
    }
    help_text = _(
        "Over valid callbacks of the month. Units with the same composite share a rank; units "
        "without valid callbacks are listed last, unranked. The bottom of the list is where "
        "supervision should start."
    )
    return _page(
        request,
        title=title,
        help_text=help_text,
        form=form,
        headers=headers,
        rows=rows,
        chart=composite if scored else None,
        csv_name=f"rankings-{kind}-{month:%Y-%m}",
    )


def unit_view(request, unit_id):
    """One unit over 12 months, with links from each rate to the callbacks that lowered it."""
    _guard(request)
    unit = get_object_or_404(Department, pk=unit_id)
    form, data = _bound(RatesFilter, request, month=f"{last_month():%Y-%m}", excluded="1")
    del form.fields["kind"]
    last = (data.get("month") or last_month()).replace(day=1)
    series = evaluation.trend(unit, last, excluded=data.get("excluded", "1") != "0")
    callbacks = reverse("admin:tickets_callback_changelist")
    headers = [
        _("month"),
        _("valid callbacks"),
        _("response rate"),
        _("resolution rate"),
        _("satisfaction rate"),
        _("composite"),
        _("grade"),
    ]
    rows = []
    for point in series:
        start, end = point["month"], next_month(point["month"]) - timedelta(days=1)
        base = {
            "unit__id__exact": unit.pk,
            "valid__exact": 1,
            "recorded_at__range__gte": start.isoformat(),
            "recorded_at__range__lte": end.isoformat(),
        }

        def lost(rate, point=point, base=base, **condition):
            url = f"{callbacks}?{urlencode({**base, **condition})}"
            return {"text": percent(point[rate]), "url": url} if point["valid"] else "—"

        rows.append(
            [
                month_cell(point["month"]),
                point["valid"],
                lost("response", contacted__exact=0),
                lost("resolution", solved__exact=0),
                lost("satisfaction", satisfaction__in="basically,unsatisfied"),
                percent(point["composite"]),
                point["grade"],
            ]
        )
    # The chart starts at the first month with valid callbacks (the table lists all twelve).
    charted = series[next((i for i, p in enumerate(series) if p["valid"]), len(series)) :]
    trend = chart(
        "line",
        [month_label(p["month"]) for p in charted],
        {
            label: [rate_points(p[rate]) for p in charted]
            for rate, label in (
                ("response", _("response rate")),
                ("resolution", _("resolution rate")),
                ("satisfaction", _("satisfaction rate")),
                ("composite", _("composite")),
            )
        },
        unit=PERCENT,
        partial_last=bool(charted) and charted[-1]["month"] == this_month(),
    )
    help_text = _(
        "Each rate links to the callbacks that lowered it: not contacted, not solved, not fully "
        "satisfied. A month without valid callbacks has no point."
    )
    return _page(
        request,
        title=unit.display_name,
        help_text=help_text,
        form=form,
        headers=headers,
        rows=rows,
        chart=trend if charted else None,
        csv_name=f"unit-{unit.code}",
    )


def intake_view(request):
    """Volume over time by channel or kind, and by place and category level."""
    _guard(request)
    today = timezone.localdate()
    form, data = _bound(
        PeriodFilter,
        request,
        first=f"{today - timedelta(days=29)}",
        last=f"{today}",
        granularity="day",
        by="channel",
        place="district",
        level="1",
    )
    last = data.get("last") or today
    first = data.get("first") or last - timedelta(days=29)
    if request.GET.get("table") == "places":
        breakdown = findings.intake_by_place_and_category(
            month_of(first),
            month_of(last),
            place=data.get("place") or "district",
            level=data.get("level") or 1,
        )
        for name in ("granularity", "by"):  # not used by this table
            del form.fields[name]
        return _page(
            request,
            title=_("Intake by place and category"),
            form=form,
            headers=[_("place"), _("category"), _("tickets")],
            rows=[[p or "—", c, n] for p, c, n in breakdown],
            chart=places_chart(breakdown),
            csv_name="intake-places",
        )
    by = data.get("by") or "channel"
    granularity = data.get("granularity") or "day"
    series = findings.intake_over_time(first, last, granularity=granularity, by=by)
    labels = dict(Channel.choices if by == "channel" else Kind.choices)
    # Every period of the range, the empty ones too, up to today (nothing is in the future);
    # over a very long range, only the periods with tickets.
    end = min(last, today)
    if (end - first).days <= FILLED_DAYS:
        periods = period_starts(first, end, granularity)
    else:
        periods = sorted({p for p, _g, _n in series})
    groups = sorted({g for _p, g, _n in series})
    table = {(p, g): n for p, g, n in series}
    headers = [_("period"), *(labels.get(g, g) for g in groups), _("total")]
    rows = [
        [
            month_cell(p) if granularity == "month" else f"{p:%Y-%m-%d}",
            *(table.get((p, g), 0) for g in groups),
            sum(table.get((p, g), 0) for g in groups),
        ]
        for p in periods
    ]
    intake = chart(
        "line",
        [month_label(p) if granularity == "month" else f"{p:%m-%d}" for p in periods],
        {
            **{labels.get(g, g): [table.get((p, g), 0) for p in periods] for g in groups},
            _("total"): [row[-1] for row in rows],
        },
        # The period holding today is still filling up: marked, not drawn as a drop.
        partial_last=bool(periods) and last >= today,
    )
    help_text = _(
        "Tickets by submission date (Beijing time); the period still running is marked “so "
        "far”. Follow “by place and category” for the breakdown by place and category level."
    )
    return _page(
        request,
        title=_("Intake"),
        help_text=help_text,
        form=form,
        headers=headers,
        rows=rows,
        chart=intake,
        csv_name="intake",
    )


PLACES_CHARTED, CATEGORIES_CHARTED, HOTSPOTS_CHARTED = 12, 6, 15
FILLED_DAYS = 3 * 366  # the intake table lists empty periods within this span


def period_starts(first, last, granularity: str) -> list:
    """The start of every day, week (Monday) or month from `first`'s period to `last`."""
    if granularity == "month":
        start, step = first.replace(day=1), None
    elif granularity == "week":
        start, step = first - timedelta(days=first.weekday()), timedelta(days=7)
    else:
        start, step = first, timedelta(days=1)
    starts = []
    while start <= last:
        starts.append(start)
        start = next_month(start) if step is None else start + step
    return starts


def places_chart(breakdown) -> dict | None:
    """The busiest places, each a bar split by its categories (the busiest categories overall;
    the rest summed as "other")."""
    if not breakdown:
        return None
    place_totals: dict = {}
    category_totals: dict = {}
    for place, category, n in breakdown:
        place_totals[place] = place_totals.get(place, 0) + n
        category_totals[category] = category_totals.get(category, 0) + n
    places = sorted(place_totals, key=lambda p: (-place_totals[p], p or ""))[:PLACES_CHARTED]
    named = sorted(category_totals, key=lambda c: (-category_totals[c], c))[:CATEGORIES_CHARTED]
    cells = {(p, c): n for p, c, n in breakdown}
    series = {c: [cells.get((p, c), 0) for p in places] for c in named}
    rest = [place_totals[p] - sum(cells.get((p, c), 0) for c in named) for p in places]
    if any(rest):
        series[_("other categories")] = rest
    return chart("bar", [p or "—" for p in places], series, horizontal=True, stacked=True)


def hotspots_view(request):
    _guard(request)
    form, data = _bound(WindowFilter, request, window="7")
    window = data.get("window") or 7
    spots = findings.hotspots(timezone.localdate(), window=window)
    tickets = reverse("admin:tickets_ticket_changelist")
    rows = [
        [
            {
                "text": s.region.display_name,
                "url": f"{tickets}?status=all&region={s.region.pk}&category={s.category.pk}",
            },
            s.category.path,
            s.count,
            f"{s.average:.1f}",
            f"{s.z:.1f}",
        ]
        for s in spots
    ]
    shown = spots[:HOTSPOTS_CHARTED]
    counts = chart(
        "bar",
        [f"{s.region.display_name} · {s.category.display_name}" for s in shown],
        {
            _("tickets in the window"): [s.count for s in shown],
            _("average before"): [round(s.average, 1) for s in shown],
        },
        horizontal=True,
    )
    help_text = findings.HOTSPOT_METHOD % {
        "window": window,
        "minimum": findings.HOTSPOT_MINIMUM,
        "windows": findings.HISTORY_WINDOWS[window],
        "z": findings.HOTSPOT_Z,
    }
    return _page(
        request,
        title=_("Hotspots"),
        help_text=help_text,
        form=form,
        headers=[_("community"), _("category"), _("tickets"), _("average before"), "z"],
        rows=rows,
        chart=counts if shown else None,
        csv_name=f"hotspots-{window}d",
        map=hotspot_map(window, spots) if request.GET.get("format") != "csv" else None,
    )


MAP_CATEGORIES = 3  # named in each community's label


def hotspot_map(window: int, spots) -> dict | None:
    """Each community with an outline, shaded by its tickets in the window (all categories),
    labelled with its busiest categories; the hotspots' communities are outlined."""
    counts = findings.community_counts(timezone.localdate(), window)
    if not counts:
        return None
    hot = {s.region.pk for s in spots}
    regions = Region.objects.in_bulk(list(counts))
    categories = {
        c.pk: c.display_name
        for c in Category.objects.filter(
            pk__in={c for pairs in counts.values() for c, _n in pairs[:MAP_CATEGORIES]}
        )
    }
    features = []
    for region_id, pairs in counts.items():
        total = sum(n for _c, n in pairs)
        busiest = "、".join(f"{categories[c]} {n}" for c, n in pairs[:MAP_CATEGORIES])
        label = _("%(place)s: %(count)d tickets (%(busiest)s)") % {
            "place": regions[region_id].display_name,
            "count": total,
            "busiest": busiest,
        }
        feature = maps.region_feature(
            regions[region_id], count=total, label=label, hotspot=region_id in hot
        )
        if feature is not None:
            features.append(feature)
    if not features:
        return None
    totals = sorted(f["properties"]["count"] for f in features)
    # Five shades at the quintiles of the communities' counts (the legend states them).
    steps = sorted({totals[min(len(totals) - 1, len(totals) * q // 5)] for q in range(1, 5)})
    return {"features": features, "steps": steps, "window": window}


def repeats_view(request):
    _guard(request)
    today = timezone.localdate()
    form, data = _bound(
        PeriodFilter, request, first=f"{today - timedelta(days=29)}", last=f"{today}"
    )
    for name in ("granularity", "by", "place", "level"):
        del form.fields[name]
    last = data.get("last") or today
    first = data.get("first") or last - timedelta(days=29)
    change = "admin:tickets_ticket_change"
    rows = [
        [
            f"{r.day:%Y-%m-%d}",
            {"text": r.ticket.number, "url": reverse(change, args=[r.ticket_id])},
            {"text": r.earlier.number, "url": reverse(change, args=[r.earlier_id])},
            r.get_basis_display(),
            r.ticket.category.display_name,
            (r.ticket.community or r.ticket.district).display_name,
        ]
        for r in findings.repeats(first, last)[:500]
    ]
    counts = findings.repeat_counts(first, last)
    help_text = _(
        "A repeat demand: a ticket by the same resident, or at the same address about the same "
        "category, within 30 days of an earlier one. %(resident)d by resident, %(address)d by "
        "address in the period (the first 500 listed)."
    ) % {"resident": counts.get("resident", 0), "address": counts.get("address", 0)}
    return _page(
        request,
        title=_("Repeat demands"),
        help_text=help_text,
        form=form,
        headers=[_("day"), _("ticket"), _("earlier ticket"), _("basis"), _("category"), _("place")],
        rows=rows,
        csv_name="repeat-demands",
    )


def topics_view(request):
    _guard(request)
    form, data = _bound(RatesFilter, request, month=f"{this_month():%Y-%m}")
    for name in ("kind", "excluded"):
        del form.fields[name]
    last = (data.get("month") or this_month()).replace(day=1)
    topics = findings.topic_candidates(last)
    rows = [
        [
            t.category.path,
            t.tickets,
            t.places,
            percent(t.late_share),
            percent(t.satisfaction),
            "—" if t.average_reply_hours is None else f"{t.average_reply_hours:.0f}",
            f"{t.score:.2f}",
        ]
        for t in topics
    ]
    help_text = findings.TOPIC_METHOD % {"months": 3, "minimum": findings.TOPIC_MINIMUM}
    return _page(
        request,
        title=_("Monthly topic candidates"),
        help_text=help_text,
        form=form,
        headers=[
            _("category"),
            _("tickets"),
            _("communities"),
            _("late replies"),
            _("satisfaction rate"),
            _("average hours to reply"),
            _("score"),
        ],
        rows=rows,
        csv_name=f"topics-{last:%Y-%m}",
    )


def knowledge_view(request):
    """How often each knowledge-base article answered a call (issue 14)."""
    from knowledge.selectors import article_usage

    _guard(request)
    today = timezone.localdate()
    form, data = _bound(
        PeriodFilter, request, first=f"{today - timedelta(days=29)}", last=f"{today}"
    )
    for name in ("granularity", "by", "place", "level"):
        del form.fields[name]
    last = data.get("last") or today
    first = data.get("first") or last - timedelta(days=29)
    since = timezone.make_aware(datetime.combine(first, time.min))
    until = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    change = "admin:knowledge_article_change"
    articles = list(article_usage(since=since, until=until))
    rows = [
        [
            {"text": a.title, "url": reverse(change, args=[a.pk])},
            a.owner.display_name,
            a.get_status_display() + (f" · {_('expired')}" if a.expired(today) else ""),
            a.get_audience_display(),
            a.uses_in_period,
            a.usage_count,
            "—" if a.last_used is None else f"{timezone.localtime(a.last_used):%Y-%m-%d}",
        ]
        for a in articles
    ]
    top = [a for a in articles if a.uses_in_period][:15]
    return _page(
        request,
        title=_("Knowledge-base use"),
        help_text=_(
            "How many consultations each article answered (answered directly citing it), in "
            "the period and in all. Published articles that answered none in the period are "
            "listed last: candidates for better keywords, or for withdrawal."
        ),
        form=form,
        headers=[
            _("article"),
            _("owning unit"),
            _("status"),
            _("audience"),
            _("uses in the period"),
            _("uses in all"),
            _("last used"),
        ],
        rows=rows,
        chart=chart(
            "bar",
            [a.title[:20] for a in top],
            {_("uses in the period"): [a.uses_in_period for a in top]},
            horizontal=True,
        ),
        csv_name=f"knowledge-use-{first:%Y%m%d}-{last:%Y%m%d}",
    )


def suggestions_view(request):
    """How often operators chose what the suggestions from the caller's words put first, or
    among the three shown (issue 14): production accuracy per month."""
    from suggestions.selectors import accuracy_by_month

    _guard(request)
    months = accuracy_by_month(months=12)
    rows = [
        [month_cell(m["month"]), m["records"], percent(m["top1"]), percent(m["top3"])]
        for m in months
    ]
    agreement = chart(  # oldest month first
        "line",
        [month_label(m["month"]) for m in reversed(months)],
        {
            _("top-1"): [rate_points(m["top1"]) for m in reversed(months)],
            _("top-3"): [rate_points(m["top3"]) for m in reversed(months)],
        },
        unit=PERCENT,
    )
    help_text = _(
        "Each time an operator files a phone call or accepts a demand with the suggestions "
        "shown, the category chosen is recorded beside them. Top-1: the first suggestion was "
        "chosen; top-3: one of the three was. Held-out accuracy of each classifier version is in "
        "Suggestions › Classifier versions."
    )
    return _page(
        request,
        title=_("Suggestions in production"),
        help_text=help_text,
        headers=[_("month"), _("classified with suggestions"), _("top-1"), _("top-3")],
        rows=rows,
        chart=agreement if rows else None,
        csv_name="suggestion-accuracy",
    )


PAGES = [  # (url name, query, label): the navigation above every analytics page
    ("admin:analytics_rates", "", _("Rankings")),
    ("admin:analytics_intake", "", _("Intake")),
    ("admin:analytics_intake", "table=places", _("By place and category")),
    ("admin:analytics_hotspots", "", _("Hotspots")),
    ("admin:analytics_repeats", "", _("Repeat demands")),
    ("admin:analytics_topics", "", _("Monthly topic")),
    ("admin:analytics_knowledge", "", _("Knowledge base")),
    ("admin:analytics_suggestions", "", _("Suggestions")),
]


def urls(site):
    def wrap(view):
        # The figures may lag a replica's few seconds behind (portal.replica).
        return site.admin_view(replica.reads(view))

    return [
        path("analytics/", wrap(rates_view), name="analytics_rates"),
        path("analytics/units/<int:unit_id>/", wrap(unit_view), name="analytics_unit"),
        path("analytics/intake/", wrap(intake_view), name="analytics_intake"),
        path("analytics/hotspots/", wrap(hotspots_view), name="analytics_hotspots"),
        path("analytics/repeats/", wrap(repeats_view), name="analytics_repeats"),
        path("analytics/topics/", wrap(topics_view), name="analytics_topics"),
        path("analytics/knowledge/", wrap(knowledge_view), name="analytics_knowledge"),
        path("analytics/suggestions/", wrap(suggestions_view), name="analytics_suggestions"),
    ]
