"""Categories and regions (trees), units, and the trajectory."""

from rest_framework import serializers

from departments.models import Department, Region
from tickets.models import CategoryAttribute
from tickets.workflow import Action, Status


class CategoryAttributeOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    variable = serializers.BooleanField()
    datatype = serializers.ChoiceField(choices=CategoryAttribute.DataType.choices)
    required = serializers.BooleanField()
    description = serializers.CharField()
    datatype_description = serializers.CharField()
    values = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


NAME_HELP = "in the request's language (Accept-Language): the English name when asked for and known"


class CategoryNodeOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=NAME_HELP)
    name_en = serializers.CharField(help_text="the English name (may be empty)")
    level = serializers.IntegerField()
    description = serializers.CharField()
    urgency = serializers.CharField(allow_null=True, help_text="default urgency class (leaves)")
    questions = CategoryAttributeOutputSerializer(many=True)
    children = serializers.ListField(child=serializers.DictField(), help_text="the same shape")


class RegionNodeOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=NAME_HELP)
    name_en = serializers.CharField(help_text="the English name (may be empty)")
    level = serializers.ChoiceField(choices=Region.Level.choices)
    children = serializers.ListField(child=serializers.DictField(), help_text="the same shape")


class UnitOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="display_name", help_text=NAME_HELP)
    name_en = serializers.CharField(help_text="the English name (may be empty)")
    kind = serializers.ChoiceField(choices=Department.Kind.choices)
    parent = serializers.CharField(source="parent_code", allow_null=True)
    region = serializers.CharField(source="region_code", allow_null=True)


class EventOutputSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=Action.choices)
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.ChoiceField(choices=[("", "—"), *Status.choices])
    to_status = serializers.ChoiceField(choices=Status.choices)
    unit = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField(help_text="staff name; empty for residents/clients")
    note = serializers.CharField()
    public = serializers.BooleanField()

    def get_unit(self, event) -> str:
        return event.unit.display_name if event.unit_id else ""

    def get_actor(self, event) -> str:
        return event.actor_name if self.context.get("internal") else ""
