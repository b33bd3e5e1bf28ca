"""Small shared output shapes: a reference to a category, region or unit by code and name."""

from rest_framework import serializers


class RefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CodeField(serializers.SlugRelatedField):
    """An object given by its `code` (never by database id); `lookup(code)`, when given, finds it
    instead of the queryset (a cached lookup: `tickets.lookups`)."""

    def __init__(self, queryset, lookup=None, **kwargs):
        self.lookup = lookup
        super().__init__(slug_field="code", queryset=queryset, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:  # PostgreSQL text cannot hold NUL
            self.fail("invalid")
        if self.lookup is None:
            return super().to_internal_value(data)
        found = self.lookup(data)
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found
