"""Analytics pages in the staff admin: rates and rankings, a unit's trend, intake, hotspots,
repeat demands, monthly-topic candidates. Each page is a table (with a chart where it helps) and
the same table as CSV (`?format=csv`). Pages read the summary tables only."""

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from portal import replica
from tickets import permissions
from tickets.models import Channel, Kind

from . import evaluation, findings
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


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


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


def _page(request, *, title, help_text="", form=None, headers, rows, chart=None, csv_name):
    """Render the common table page (its first SHOWN_ROWS rows), or its CSV (all of them)."""
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{csv_name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(h) for h in headers])
        for row in rows:
            writer.writerow([cell["text"] if isinstance(cell, dict) else cell for cell in row])
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
        "csv_url": f"?{query.urlencode()}",
        "pages": [(reverse(name), query, label) for name, query, label in PAGES],
    }
    return TemplateResponse(request, "admin/analytics/table.html", context)


def _bound(form_class, request, **defaults):
    """A filter form always bound: the query's values over the page's defaults, so the controls
    show what the page shows."""
    data = {**{k: v for k, v in defaults.items() if v is not None}, **request.GET.dict()}
    form = form_class(data)
    return form, (form.cleaned_data if form.is_valid() else {})


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
                {"text": s.unit.name, "url": trend_url},
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
    scored = [s for s in standings if s.rank]
    chart = {
        "type": "bar",
        "labels": [s.unit.name for s in scored],
        "values": [round(s.rates["composite"] * 100, 1) for s in scored],
    }
    title = _("Rankings: %(kind)s, %(month)s") % {
        "kind": dict(RANKED_KINDS).get(kind, kind),
        "month": f"{month:%Y-%m}",
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
        chart=chart,
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
                f"{point['month']:%Y-%m}",
                point["valid"],
                lost("response", contacted__exact=0),
                lost("resolution", solved__exact=0),
                lost("satisfaction", satisfaction__in="basically,unsatisfied"),
                percent(point["composite"]),
                point["grade"],
            ]
        )
    chart = {
        "type": "line",
        "labels": [f"{p['month']:%Y-%m}" for p in series],
        "values": [
            None if p["composite"] is None else round(p["composite"] * 100, 1) for p in series
        ],
    }
    help_text = _(
        "Each rate links to the callbacks that lowered it: not contacted, not solved, not fully "
        "satisfied."
    )
    return _page(
        request,
        title=unit.name,
        help_text=help_text,
        form=form,
        headers=headers,
        rows=rows,
        chart=chart,
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
        return _page(
            request,
            title=_("Intake by place and category"),
            form=form,
            headers=[_("place"), _("category"), _("tickets")],
            rows=[[p or "—", c, n] for p, c, n in breakdown],
            csv_name="intake-places",
        )
    by = data.get("by") or "channel"
    series = findings.intake_over_time(
        first, last, granularity=data.get("granularity") or "day", by=by
    )
    labels = dict(Channel.choices if by == "channel" else Kind.choices)
    periods = sorted({p for p, _g, _n in series})
    groups = sorted({g for _p, g, _n in series})
    table = {(p, g): n for p, g, n in series}
    headers = [_("period"), *(labels.get(g, g) for g in groups), _("total")]
    rows = [
        [
            f"{p:%Y-%m-%d}",
            *(table.get((p, g), 0) for g in groups),
            sum(table.get((p, g), 0) for g in groups),
        ]
        for p in periods
    ]
    chart = {"type": "line", "labels": [r[0] for r in rows], "values": [r[-1] for r in rows]}
    help_text = _(
        "Tickets by submission date (Beijing time). Add table=places to the address, or follow "
        "“by place and category”, for the breakdown by place and category level."
    )
    return _page(
        request,
        title=_("Intake"),
        help_text=help_text,
        form=form,
        headers=headers,
        rows=rows,
        chart=chart,
        csv_name="intake",
    )


def hotspots_view(request):
    _guard(request)
    form, data = _bound(WindowFilter, request, window="7")
    window = data.get("window") or 7
    spots = findings.hotspots(timezone.localdate(), window=window)
    tickets = reverse("admin:tickets_ticket_changelist")
    rows = [
        [
            {
                "text": s.region.name,
                "url": f"{tickets}?status=all&region={s.region.pk}&category={s.category.pk}",
            },
            s.category.path,
            s.count,
            f"{s.average:.1f}",
            f"{s.z:.1f}",
        ]
        for s in spots
    ]
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
        csv_name=f"hotspots-{window}d",
    )


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
            r.ticket.category.name,
            (r.ticket.community or r.ticket.district).name,
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


PAGES = [  # (url name, query, label): the navigation above every analytics page
    ("admin:analytics_rates", "", _("Rankings")),
    ("admin:analytics_intake", "", _("Intake")),
    ("admin:analytics_intake", "table=places", _("By place and category")),
    ("admin:analytics_hotspots", "", _("Hotspots")),
    ("admin:analytics_repeats", "", _("Repeat demands")),
    ("admin:analytics_topics", "", _("Monthly topic")),
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
    ]
