"""`/api/v1/stats/…` for analysts' systems: the same figures as the staff analytics pages, read
from the summary tables. For the hotline centre and analysts (like the pages)."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from departments.models import Department
from portal.replica import ReplicaReadsMixin

from . import evaluation, findings
from .months import validate_month
from .refresh import last_month, this_month
from .staff import RANKED_KINDS, may_analyse


class MayAnalyse(BasePermission):
    message = "Analytics are for the hotline centre and analysts."

    def has_permission(self, request, view):
        return bool(request.user and may_analyse(request.user))


MONTH_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.DateField):
    """A month as `YYYY-MM`, in and out (the first day of the month inside)."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m"], format="%Y-%m", **kwargs)


class MonthInput(serializers.Serializer):
    month = MonthField(
        required=False,
        validators=[validate_month],
        help_text="YYYY-MM (2000-01 to 2099-12); default: last month",
    )


class RankingsInput(MonthInput):
    kind = serializers.ChoiceField(choices=RANKED_KINDS, required=False, default="street_office")
    excluded = serializers.BooleanField(
        required=False, default=True, help_text="apply the reviewed exclusions"
    )


class RatesOutput(serializers.Serializer):
    response = serializers.FloatField(allow_null=True)
    resolution = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)
    composite = serializers.FloatField(allow_null=True)


class StandingOutput(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit = serializers.SerializerMethodField()
    valid_callbacks = serializers.IntegerField(source="valid")
    rates = RatesOutput()
    rates_without_exclusions = RatesOutput(source="rates_all")
    grade = serializers.CharField()
    change = serializers.FloatField(allow_null=True, help_text="composite, against last month")
    on_time = serializers.DictField(child=serializers.FloatField(allow_null=True))

    def get_unit(self, standing) -> dict:
        return {"code": standing.unit.code, "name": standing.unit.display_name}


class TrendPointOutput(RatesOutput):
    month = MonthField()
    valid = serializers.IntegerField()
    grade = serializers.CharField()


class WindowInput(serializers.Serializer):
    window = serializers.ChoiceField(choices=[7, 30], required=False, default=7)


class HotspotOutput(serializers.Serializer):
    community = serializers.CharField(source="region.display_name")
    community_code = serializers.CharField(source="region.code")
    category = serializers.CharField(source="category.path")
    category_code = serializers.CharField(source="category.code")
    tickets = serializers.IntegerField(source="count")
    average = serializers.FloatField()
    z = serializers.FloatField()


class TopicOutput(serializers.Serializer):
    category = serializers.CharField(source="category.path")
    category_code = serializers.CharField(source="category.code")
    tickets = serializers.IntegerField()
    communities = serializers.IntegerField(source="places")
    late_share = serializers.FloatField()
    satisfaction = serializers.FloatField(allow_null=True)
    average_reply_hours = serializers.FloatField(allow_null=True)
    score = serializers.FloatField()


class PeriodInput(serializers.Serializer):
    first = serializers.DateField(required=False)
    last = serializers.DateField(required=False)


class RepeatOutput(serializers.Serializer):
    day = serializers.DateField()
    ticket = serializers.CharField(source="ticket.number")
    earlier = serializers.CharField(source="earlier.number")
    basis = serializers.CharField()


def _valid(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class AnalyticsView(ReplicaReadsMixin, APIView):
    permission_classes = [IsAuthenticated, MayAnalyse]


class RankingsView(AnalyticsView):
    @extend_schema(
        operation_id="stats_rankings",
        summary="The three rates and the ranking of one unit kind in a month",
        parameters=[RankingsInput],
        responses=StandingOutput(many=True),
        tags=["analytics"],
    )
    def get(self, request):
        data = _valid(RankingsInput, request)
        month = (data.get("month") or last_month()).replace(day=1)
        standings = evaluation.standings(data["kind"], month, excluded=data["excluded"])
        return Response(StandingOutput(standings, many=True).data)


class UnitTrendView(AnalyticsView):
    @extend_schema(
        operation_id="stats_unit_trend",
        summary="A unit's rates over the 12 months ending with `month`",
        parameters=[MonthInput],
        responses=TrendPointOutput(many=True),
        tags=["analytics"],
    )
    def get(self, request, code):
        if "\x00" in code:  # no unit's code has one, and PostgreSQL refuses it in a query
            raise Http404
        unit = get_object_or_404(Department, code=code)
        data = _valid(MonthInput, request)
        month = (data.get("month") or last_month()).replace(day=1)
        return Response(TrendPointOutput(evaluation.trend(unit, month), many=True).data)


class HotspotsView(AnalyticsView):
    @extend_schema(
        operation_id="stats_hotspots",
        summary="Community × category cells that jumped in the last 7 or 30 days",
        parameters=[WindowInput],
        responses=HotspotOutput(many=True),
        tags=["analytics"],
    )
    def get(self, request):
        window = int(_valid(WindowInput, request)["window"])
        return Response(
            HotspotOutput(findings.hotspots(timezone.localdate(), window=window), many=True).data
        )


class RepeatsView(AnalyticsView):
    @extend_schema(
        operation_id="stats_repeats",
        summary="Repeat demands in a period (default: the last 30 days; at most 1000)",
        parameters=[PeriodInput],
        responses=RepeatOutput(many=True),
        tags=["analytics"],
    )
    def get(self, request):
        data = _valid(PeriodInput, request)
        last = data.get("last") or timezone.localdate()
        first = data.get("first") or last - timedelta(days=29)
        rows = findings.repeats(first, last)[:1000]
        return Response(RepeatOutput(rows, many=True).data)


class TopicsView(AnalyticsView):
    @extend_schema(
        operation_id="stats_topics",
        summary="Monthly-topic candidates over the three months ending with `month`",
        parameters=[MonthInput],
        responses=TopicOutput(many=True),
        tags=["analytics"],
    )
    def get(self, request):
        data = _valid(MonthInput, request)
        month = (data.get("month") or this_month()).replace(day=1)
        return Response(TopicOutput(findings.topic_candidates(month), many=True).data)


urlpatterns = [
    path("stats/rankings/", RankingsView.as_view(), name="stats-rankings"),
    path("stats/units/<str:code>/trend/", UnitTrendView.as_view(), name="stats-unit-trend"),
    path("stats/hotspots/", HotspotsView.as_view(), name="stats-hotspots"),
    path("stats/repeats/", RepeatsView.as_view(), name="stats-repeats"),
    path("stats/topics/", TopicsView.as_view(), name="stats-topics"),
]
