"""Small shared output shapes: a reference to a category, region or unit by code and name."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.names import in_language


@extend_schema_field(OpenApiTypes.STR)
class LocalizedNameField(serializers.Field):
    """A region's, unit's or category's name in the request's language (`display_name`); from a
    model or from a row dict with `name` and `name_en`."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        if isinstance(value, dict):
            return in_language(value["name"], value.get("name_en", ""))
        return value.display_name


class RefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedNameField(help_text="in the request's language (Accept-Language)")


class CodeField(serializers.SlugRelatedField):
    """An object given by its `code` (never by database id)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(slug_field="code", queryset=queryset, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:  # PostgreSQL text cannot hold NUL
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class CachedCodeField(serializers.Field):
    """An object given by its `code`, found by `lookup(code)` (a cached lookup of
    `tickets.lookups`): no queryset to copy with each serializer, no query when cached."""

    default_error_messages = {
        # DRF's own wording (SlugRelatedField), so its translations apply.
        "does_not_exist": _("Object with {slug_name}={value} does not exist."),
        "invalid": _("Invalid value."),
    }

    def __init__(self, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:  # PostgreSQL text cannot hold NUL
            self.fail("invalid")
        found = self.lookup(data)
        if found is None:
            self.fail("does_not_exist", slug_name="code", value=data)
        return found

    def to_representation(self, value):
        return value.code


# `x-only` becomes a one-value `enum` in `tickets.api.schema` (after drf-spectacular's enum
# hook, which would otherwise turn each into a component of its own).
@extend_schema_field({"type": "boolean", "x-only": True})
class TrueField(serializers.BooleanField):
    """A boolean that one alternative of a request schema fixes to true (schema only)."""


@extend_schema_field({"type": "boolean", "x-only": False})
class FalseField(serializers.BooleanField):
    """A boolean that one alternative of a request schema fixes to false (schema only)."""
