"""`/api/v1/stats/…`: the dashboard's counts over the tickets the caller may see."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.replica import ReplicaReadsMixin
from tickets import stats

from ..scope import tickets_for
from ..serializers.stats import (
    IntakeRowOutputSerializer,
    OpenRowOutputSerializer,
    OverdueRowOutputSerializer,
    StatsWindowInputSerializer,
)


class IntakeStatsView(ReplicaReadsMixin, APIView):
    @extend_schema(
        operation_id="stats_intake",
        summary="Intake per Beijing day and channel",
        parameters=[StatsWindowInputSerializer],
        responses=IntakeRowOutputSerializer(many=True),
        tags=["statistics"],
    )
    def get(self, request):
        params = StatsWindowInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = stats.intake_by_day(
            tickets_for(request), days=params.validated_data["days"], by="channel"
        )
        return Response(IntakeRowOutputSerializer(rows, many=True).data)


class OpenStatsView(ReplicaReadsMixin, APIView):
    @extend_schema(
        operation_id="stats_open",
        summary="Open tickets by status",
        responses=OpenRowOutputSerializer(many=True),
        tags=["statistics"],
    )
    def get(self, request):
        rows = [
            {"status": status, "count": count}
            for status, count in stats.open_by_status(tickets_for(request)).items()
        ]
        return Response(OpenRowOutputSerializer(rows, many=True).data)


class OverdueStatsView(ReplicaReadsMixin, APIView):
    @extend_schema(
        operation_id="stats_overdue",
        summary="Overdue open tickets by lead unit (top 20)",
        responses=OverdueRowOutputSerializer(many=True),
        tags=["statistics"],
    )
    def get(self, request):
        rows = stats.overdue_by_unit(tickets_for(request), limit=20)
        return Response(OverdueRowOutputSerializer(rows, many=True).data)
