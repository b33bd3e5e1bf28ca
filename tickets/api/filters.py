"""Ticket list filters (django-filter). Invalid values give 400, never an empty 200."""

from datetime import UTC

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

from departments.models import Region
from tickets import selectors
from tickets.models import Channel, Kind, Ticket
from tickets.workflow import Status


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 with any offset Python accepts, normalised to UTC: PostgreSQL refuses offsets
    beyond ±15:59, and a date near year 1 or 9999 may not exist in UTC (then 400)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(_("This date and time is out of range.")) from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class TicketFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(field_name="number")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    category = django_filters.CharFilter(
        method="filter_category", help_text="a category code; includes the categories under it"
    )
    region = django_filters.CharFilter(
        method="filter_region",
        help_text="a region code at any level; includes the regions under it",
    )
    lead_unit = django_filters.CharFilter(field_name="lead_unit__code", help_text="a unit code")
    supervised = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="open tickets whose running deadline has passed"
    )
    submitted_after = UtcIsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = UtcIsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")
    updated_after = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="only tickets changed after this time; a poller keeping the highest value "
        "seen can miss a ticket whose change committed late: follow GET /api/v1/changes/ "
        "instead",
    )
    external_id = django_filters.CharFilter(
        method="filter_external_id",
        help_text="the ticket an API client submitted with this reference (for a client: its "
        "own; for staff: any client's)",
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category__code=value) | Q(category__code__startswith=f"{value}."))

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.none() if region is None else selectors.in_region(queryset, region)

    def filter_external_id(self, queryset, name, value):
        from .scope import client_of

        client = client_of(self.request)
        mine = {"client_submission__client": client} if client is not None else {}
        return queryset.filter(client_submission__external_id=value, **mine)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_at__lt=timezone.now()) & ~Q(status=Status.CLOSED)
        return queryset.filter(overdue if value else ~overdue)
