"""Admin for evaluation schemes and reviews; callbacks get the filters the rate pages link to
and actions for reviewers to exclude them."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rangefilter.filters import DateRangeFilterBuilder

from departments.models import Membership
from tickets import permissions
from tickets.admin.reference import CallbackAdmin as BaseCallbackAdmin
from tickets.models import Callback

from .models import CallbackReview, EvaluationScheme


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "unit_kind",
        "valid_from",
        "weight_response",
        "weight_resolution",
        "weight_satisfaction",
        "basically_factor",
        "exclude_repeat",
        "exclude_unreasonable",
    ]
    list_filter = ["unit_kind"]


@admin.register(CallbackReview)
class CallbackReviewAdmin(admin.ModelAdmin):
    list_display = ["callback", "reason", "reviewed_by", "reviewed_at"]
    list_filter = ["reason"]
    raw_id_fields = ["callback"]
    readonly_fields = ["reviewed_by", "reviewed_at"]

    def save_model(self, request, obj, form, change):
        obj.reviewed_by = request.user
        super().save_model(request, obj, form, change)


admin.site.unregister(Callback)


@admin.register(Callback)
class CallbackAdmin(BaseCallbackAdmin):
    """The callbacks behind a unit's rates: the analytics pages link here with these filters."""

    list_display = [*BaseCallbackAdmin.list_display, "review"]
    list_filter = [
        "valid",
        "contacted",
        "solved",
        "satisfaction",
        "source",
        "unit",
        ("recorded_at", DateRangeFilterBuilder(title=_("recorded"))),
        "review__reason",
    ]
    list_select_related = [*BaseCallbackAdmin.list_select_related, "review"]
    actions = ["exclude_as_repeat", "exclude_as_unreasonable", "clear_exclusion"]

    def has_review_permission(self, request):
        roles = {role for _unit, role in permissions.roles_of(request.user)}
        return request.user.is_superuser or Membership.Role.SUPERVISOR in roles

    def _review(self, request, queryset, reason):
        for callback in queryset.filter(valid=True):
            CallbackReview.objects.update_or_create(
                callback=callback, defaults={"reason": reason, "reviewed_by": request.user}
            )
        messages.success(request, _("The rates will exclude them at the next refresh."))

    @admin.action(description=_("Exclude from the rates: repeat demand"), permissions=["review"])
    def exclude_as_repeat(self, request, queryset):
        self._review(request, queryset, CallbackReview.Reason.REPEAT)

    @admin.action(
        description=_("Exclude from the rates: unreasonable demand"), permissions=["review"]
    )
    def exclude_as_unreasonable(self, request, queryset):
        self._review(request, queryset, CallbackReview.Reason.UNREASONABLE)

    @admin.action(description=_("Count them again in the rates"), permissions=["review"])
    def clear_exclusion(self, request, queryset):
        for review in CallbackReview.objects.filter(callback__in=queryset):
            review.delete()  # one by one, so each deletion marks its day for the refresh
        messages.success(request, _("The rates will count them again at the next refresh."))
