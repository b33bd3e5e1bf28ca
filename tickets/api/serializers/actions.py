"""Inputs of the workflow actions, one serializer per action. Field names are the keyword
arguments of the matching function in `tickets.services`; optional fields left out are not
passed, so the service's own defaults apply."""

from rest_framework import serializers

from departments.models import Department, Region
from tickets.models import Assignment, Callback, Category, Kind, UrgencyClass

from .common import CodeField

CLOSE_OUTCOMES = [("duplicate", "duplicate"), ("invalid", "invalid"), ("referred", "referred")]


def _text():
    return serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class AcceptInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    category = CodeField(queryset=Category.objects.all(), required=False)
    urgency = CodeField(queryset=UrgencyClass.objects.all(), required=False)
    region = CodeField(queryset=Region.objects.all(), required=False)
    note = _text()
    suggestion = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="the `token` of `POST /api/v1/intake/suggestions/` for what the caller was "
        "shown; recorded beside the category chosen",
    )


class AnswerDirectlyInputSerializer(serializers.Serializer):
    answer = _text()
    article = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=(
            "id of the knowledge-base article answered with (published and in effect): cited "
            "in the trajectory, counted, its public link sent to the resident; `answer` may "
            "then be left out"
        ),
    )


class CloseAtIntakeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CLOSE_OUTCOMES)
    duplicate_of = serializers.CharField(
        required=False, max_length=16, help_text="the original ticket's number"
    )
    referred_to = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = _text()


class DispatchInputSerializer(serializers.Serializer):
    lead = CodeField(queryset=Department.objects.all(), help_text="the lead unit's code")
    co_units = serializers.ListField(
        child=CodeField(queryset=Department.objects.all()), required=False, max_length=20
    )
    note = _text()


class ReasonInputSerializer(serializers.Serializer):
    reason = _text()


class SignAndContactInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Assignment.ContactMethod.choices)
    contacted_at = serializers.DateTimeField(required=False)
    note = _text()


class RequestExtensionInputSerializer(serializers.Serializer):
    reason = _text()
    reply_due_at = serializers.DateTimeField()


class DecideExtensionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = _text()
    reply_due_at = serializers.DateTimeField(required=False)


class TextInputSerializer(serializers.Serializer):
    text = _text()


class SuperviseInputSerializer(serializers.Serializer):
    instruction = _text()


class RecordCallbackInputSerializer(serializers.Serializer):
    reachable = serializers.BooleanField(required=False, default=True)
    contacted = serializers.BooleanField(required=False, allow_null=True)
    solved = serializers.BooleanField(required=False, allow_null=True)
    satisfaction = serializers.ChoiceField(
        choices=Callback.Satisfaction.choices, required=False, allow_blank=True
    )
    comment = _text()
