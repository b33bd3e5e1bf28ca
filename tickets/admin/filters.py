"""Changelist filters for tickets. Each reads one GET parameter; queues link to the same ones."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Region

from .. import queues, selectors
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
    """One compact select of the handling units, grouped by kind (not ~108 links). With
    JavaScript it is the admin's own select2: type part of a name; without, choose and press
    the button. The other filters of the list are kept."""

    title = _("lead unit")
    parameter_name = "unit"
    template = "admin/tickets/ticket/select_filter.html"

    def lookups(self, request, model_admin):
        units = Department.objects.exclude(kind=Department.Kind.HOTLINE_CENTRE).order_by(
            "kind", "name"
        )
        kinds = dict(Department.Kind.choices)
        self.groups = {str(u.pk): kinds.get(u.kind, u.kind) for u in units}
        return [("mine", _("My unit")), *((str(u.pk), u.display_name) for u in units)]

    def choices(self, changelist):
        self.kept_params = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield {"value": "", "display": _("All"), "selected": self.value() is None, "group": ""}
        for lookup, title in self.lookup_choices:
            yield {
                "value": lookup,
                "display": title,
                "selected": self.value() == str(lookup),
                "group": self.groups.get(lookup, ""),
            }

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
        return [(str(c.pk), "\u2003" * (c.level - 1) + c.display_name) for c in nodes]

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
    """A district, then its streets (and the community chosen, when one is). Any region's id
    works, the city's too: queues and links may point at any level."""

    title = _("district / street")
    parameter_name = "region"

    def _chosen(self) -> Region | None:
        if not hasattr(self, "_region"):  # one look-up per request (the filter is per request)
            value = self.value()
            self._region = (
                Region.objects.filter(pk=int(value)).select_related("parent").first()
                if value and value.isdigit()
                else None
            )
        return self._region

    def lookups(self, request, model_admin):
        regions = list(Region.objects.filter(level=Region.Level.DISTRICT))
        chosen = self._chosen()
        if chosen is not None and chosen.level >= Region.Level.STREET:
            street = chosen if chosen.level == Region.Level.STREET else chosen.parent
            district_id = street.parent_id
            nested = list(Region.objects.filter(parent_id=district_id, level=Region.Level.STREET))
            if chosen.level == Region.Level.COMMUNITY:
                nested.insert(nested.index(street) + 1, chosen)
            position = next(
                (i + 1 for i, r in enumerate(regions) if r.pk == district_id), len(regions)
            )
            regions[position:position] = nested
        elif chosen is not None and chosen.level == Region.Level.CITY:
            regions.insert(0, chosen)
        indent = {Region.Level.STREET: "\u2003", Region.Level.COMMUNITY: "\u2003\u2003"}
        return [(str(r.pk), indent.get(r.level, "") + r.display_name) for r in regions]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        region = self._chosen()
        return queryset.none() if region is None else selectors.in_region(queryset, region)


class ReturnedFilter(admin.SimpleListFilter):
    title = _("returned by a unit")
    parameter_name = "returned"

    def lookups(self, request, model_admin):
        return [("1", _("Returned, to re-dispatch"))]

    def queryset(self, request, queryset):
        return queues.returned_filter(queryset) if self.value() == "1" else queryset


class ExtensionFilter(admin.SimpleListFilter):
    title = _("extension request")
    parameter_name = "extension"

    def lookups(self, request, model_admin):
        return [("pending", _("Waiting for a decision"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queues.extension_pending_filter(queryset)
        return queryset


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
