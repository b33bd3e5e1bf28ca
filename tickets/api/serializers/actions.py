"""Inputs of the workflow actions, one serializer per action. Field names are the keyword
arguments of the matching function in `tickets.services`; optional fields left out are not
passed, so the service's own defaults apply.

A text the service always requires is required here too (so the schema says so). What the
service requires only in some cases (an answer *or* an article; a note when a demand is closed
as invalid; a note when an extension is rejected; the verdict when the resident was reached) is
checked by the service (400 naming the field) and described in the schema by `REQUEST_SCHEMAS`:
one alternative per case (`oneOf`, or `anyOf` where both may be given), each with its own
required fields.
"""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from departments.models import Department, Region
from tickets.models import Assignment, Callback, Category, Kind, UrgencyClass

from .common import CodeField, FalseField, TrueField

CLOSE_OUTCOMES = [("duplicate", "duplicate"), ("invalid", "invalid"), ("referred", "referred")]


def _text():
    return serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


def _required_text():
    return serializers.CharField(max_length=4000)


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
    reason = _required_text()


class SignAndContactInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Assignment.ContactMethod.choices)
    contacted_at = serializers.DateTimeField(required=False)
    note = _text()


class RequestExtensionInputSerializer(serializers.Serializer):
    reason = _required_text()
    reply_due_at = serializers.DateTimeField()


class DecideExtensionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = _text()
    reply_due_at = serializers.DateTimeField(required=False)


class TextInputSerializer(serializers.Serializer):
    text = _required_text()


class SuperviseInputSerializer(serializers.Serializer):
    instruction = _required_text()


class RecordCallbackInputSerializer(serializers.Serializer):
    reachable = serializers.BooleanField(required=False, default=True)
    contacted = serializers.BooleanField(required=False, allow_null=True)
    solved = serializers.BooleanField(required=False, allow_null=True)
    satisfaction = serializers.ChoiceField(
        choices=Callback.Satisfaction.choices, required=False, allow_blank=True
    )
    comment = _text()


# --- the alternatives the schema shows (validation stays with the serializers above) ----------


class AnswerWithText(AnswerDirectlyInputSerializer):
    answer = serializers.CharField(max_length=4000, help_text="what the operator answered")


class AnswerWithArticle(AnswerDirectlyInputSerializer):
    article = serializers.IntegerField(
        min_value=1, help_text="id of the published knowledge-base article answered with"
    )


class CloseAsDuplicate(CloseAtIntakeInputSerializer):
    outcome = serializers.ChoiceField(choices=[("duplicate", "duplicate")])
    duplicate_of = serializers.CharField(max_length=16, help_text="the original ticket's number")
    referred_to = None


class CloseAsInvalid(CloseAtIntakeInputSerializer):
    outcome = serializers.ChoiceField(choices=[("invalid", "invalid")])
    note = serializers.CharField(max_length=4000, help_text="why the demand is invalid")
    duplicate_of = referred_to = None


class CloseAsReferred(CloseAtIntakeInputSerializer):
    outcome = serializers.ChoiceField(choices=[("referred", "referred")])
    referred_to = serializers.CharField(max_length=100, help_text="where the resident was referred")
    duplicate_of = None


class ApproveExtension(DecideExtensionInputSerializer):
    approve = TrueField()


class RejectExtension(DecideExtensionInputSerializer):
    approve = FalseField()
    note = serializers.CharField(max_length=4000, help_text="why the request is rejected")
    reply_due_at = None


class CallbackReached(RecordCallbackInputSerializer):
    reachable = TrueField(required=False, default=True)
    contacted = serializers.BooleanField()
    solved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(choices=Callback.Satisfaction.choices)


class CallbackUnreachable(RecordCallbackInputSerializer):
    reachable = FalseField(help_text="nobody answered: an invalid callback (staff only)")
    contacted = solved = satisfaction = None


REQUEST_SCHEMAS = {
    "answer-directly": PolymorphicProxySerializer(
        component_name="AnswerDirectly",
        serializers=[AnswerWithText, AnswerWithArticle],
        resource_type_field_name=None,
    ),
    "close-at-intake": PolymorphicProxySerializer(
        component_name="CloseAtIntake",
        serializers={
            "duplicate": CloseAsDuplicate,
            "invalid": CloseAsInvalid,
            "referred": CloseAsReferred,
        },
        resource_type_field_name="outcome",
    ),
    "decide-extension": PolymorphicProxySerializer(
        component_name="DecideExtension",
        serializers=[ApproveExtension, RejectExtension],
        resource_type_field_name=None,
    ),
    "record-callback": PolymorphicProxySerializer(
        component_name="RecordCallback",
        serializers=[CallbackReached, CallbackUnreachable],
        resource_type_field_name=None,
    ),
}
# Alternatives that may both hold (an answer and an article): `anyOf`, not `oneOf`.
ANY_OF = {"AnswerDirectly"}
