"""Counts the dashboard shows."""

from rest_framework import serializers

from tickets.models import Channel
from tickets.workflow import Status

from .common import RefSerializer


class StatsWindowInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=366, required=False, default=30)


class IntakeRowOutputSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Beijing date")
    channel = serializers.ChoiceField(choices=Channel.choices)
    count = serializers.IntegerField()


class OpenRowOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    count = serializers.IntegerField()


class OverdueRowOutputSerializer(serializers.Serializer):
    unit = RefSerializer(allow_null=True, help_text="null: not yet dispatched")
    count = serializers.IntegerField()
