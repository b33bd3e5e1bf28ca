from django.contrib import admin

from .models import CalendarDay, Department, DispatchRule, Membership, Region
from .selectors import membership_list_for


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # The same scope as Units › Memberships: a unit head opening the hotline's page sees
        # none of its staff.
        return super().get_queryset(request) & membership_list_for(request.user)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "parent", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "region"]
    autocomplete_fields = ["parent", "region"]
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        """The dispatch forms' unit autocomplete (for a ticket's lead unit) offers only units
        that may handle tickets: active, not the hotline centre."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("app_label") == "tickets"
            and request.GET.get("field_name") == "lead_unit"
        ):
            queryset = queryset.filter(is_active=True).exclude(kind=Department.Kind.HOTLINE_CENTRE)
        return queryset, distinct


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department__kind"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["user", "department"]

    def get_queryset(self, request):
        # The list, the change page and every action start from the one selector.
        return super().get_queryset(request) & membership_list_for(request.user)


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "region", "unit", "unit_kind"]
    list_filter = ["unit_kind"]
    search_fields = ["category__name", "category__code", "unit__name"]
    list_select_related = ["category__parent__parent", "region", "unit"]
    autocomplete_fields = ["category", "region", "unit"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "provisional"]
    list_filter = ["kind", "provisional", ("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"
