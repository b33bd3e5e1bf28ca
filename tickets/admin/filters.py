"""Changelist filters for tickets. Each reads one GET parameter; queues link to the same ones."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Region

from .. import queues
from ..models import Category
from ..workflow import Status


class StatusFilter(admin.SimpleListFilter):
    """Open tickets unless asked otherwise: nobody works from a list of a million closed ones."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("All open")), *Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        value = self.value() or "open"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queues.open_tickets(queryset)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("24h", _("Due within 24 h")),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queues.deadline_filter(queryset, self.value())
        return queryset


class UnitFilter(admin.SimpleListFilter):
    title = _("lead unit")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        units = Department.objects.exclude(kind=Department.Kind.HOTLINE_CENTRE).order_by(
            "kind", "name"
        )
        return [("mine", _("My unit")), *((str(u.pk), u.name) for u in units)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queues.my_unit_filter(queryset, request.user)
        if value and value.isdigit():
            return queryset.filter(lead_unit_id=int(value))
        return queryset


class CategoryTreeFilter(admin.SimpleListFilter):
    """Pick a top-level category, then its sub-categories and leaves appear."""

    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        shown = Q(level=1)
        chosen = self._chosen()
        if chosen is not None:
            # Open the chosen branch: the children of its top-level and second-level ancestors.
            lineage = [chosen, chosen.parent, chosen.parent.parent if chosen.parent else None]
            for node in lineage:
                if node is not None and node.level < Category.LEAF_LEVEL:
                    shown |= Q(parent=node)
        nodes = Category.objects.filter(shown).select_related("parent__parent")
        nodes = sorted(nodes, key=lambda c: [(n.rank, n.pk) for n in c.path_nodes()])
        return [(str(c.pk), "\u2003" * (c.level - 1) + c.name) for c in nodes]

    def _chosen(self):
        value = self.value()
        if value and value.isdigit():
            return Category.objects.select_related("parent__parent").filter(pk=int(value)).first()
        return None

    def queryset(self, request, queryset):
        chosen = self._chosen()
        if chosen is None:
            return queryset
        if chosen.level == Category.LEAF_LEVEL:
            return queryset.filter(category=chosen)
        leaves = Category.objects.filter(
            Q(parent=chosen) | Q(parent__parent=chosen), level=Category.LEAF_LEVEL
        )
        return queryset.filter(category__in=leaves)


class RegionFilter(admin.SimpleListFilter):
    """A district, then its streets."""

    title = _("district / street")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = list(Region.objects.filter(level=Region.Level.DISTRICT))
        value = self.value()
        chosen = Region.objects.filter(pk=int(value)).first() if value and value.isdigit() else None
        if chosen is not None:
            district_id = chosen.pk if chosen.level == Region.Level.DISTRICT else chosen.parent_id
            streets = Region.objects.filter(parent_id=district_id, level=Region.Level.STREET)
            # A community's id (typed into the URL) has no district among the choices.
            position = next((i for i, r in enumerate(regions) if r.pk == district_id), None)
            if position is not None:
                regions[position + 1 : position + 1] = list(streets)
        return [
            (str(r.pk), ("\u2003" if r.level == Region.Level.STREET else "") + r.name)
            for r in regions
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not (value and value.isdigit()):
            return queryset
        region = Region.objects.filter(pk=int(value)).first()
        if region is None:
            return queryset.none()
        if region.level == Region.Level.DISTRICT:
            return queryset.filter(district=region)
        if region.level == Region.Level.STREET:
            return queryset.filter(street=region)
        return queryset.filter(community=region)


class ReturnedFilter(admin.SimpleListFilter):
    title = _("returned by a unit")
    parameter_name = "returned"

    def lookups(self, request, model_admin):
        return [("1", _("Returned, to re-dispatch"))]

    def queryset(self, request, queryset):
        return queues.returned_filter(queryset) if self.value() == "1" else queryset


class ReopenRequestedFilter(admin.SimpleListFilter):
    title = _("reopening")
    parameter_name = "reopen"

    def lookups(self, request, model_admin):
        return [("requested", _("Resident asks to reopen"))]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(reopen_requested_at__isnull=False, status=Status.CLOSED)
        return queryset


class SupervisedFilter(admin.SimpleListFilter):
    title = _("supervised")
    parameter_name = "supervised"

    def lookups(self, request, model_admin):
        return [("1", _("Supervised"))]

    def queryset(self, request, queryset):
        return queryset.filter(supervised=True) if self.value() == "1" else queryset
