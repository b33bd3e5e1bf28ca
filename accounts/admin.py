"""Failed staff sign-ins for supervisors: who is locked out, and the two ways to unlock."""

from django.conf import settings
from django.contrib import admin
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FailedLogin


def _live():
    """The failures that still count (django-axes forgets those older than the cool-off)."""
    rows = FailedLogin.objects.order_by()
    if settings.AXES_COOLOFF_TIME:
        rows = rows.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return rows


def _total_by(field: str):
    """Per row: the failures of its account (or address) over every row that still counts."""
    totals = (
        _live()
        .filter(**{field: OuterRef(field)})
        .values(field)
        .annotate(n=Sum("failures_since_start"))
        .values("n")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


@admin.register(FailedLogin)
class FailedLoginAdmin(admin.ModelAdmin):
    """Read-only rows; unlocking deletes them (the `delete` permission, which supervisors
    have). Bulk deletion is replaced by the two unlock actions, which say what they free."""

    # Labels of our own: django-axes ships no Chinese translation.
    list_display = [
        "account", "address", "failures", "account_failures", "address_failures",
        "last_failure", "locked",
    ]  # fmt: skip
    search_fields = ["=username", "=ip_address"]
    readonly_fields = ["account", "address", "browser", "failures", "last_failure"]
    fields = readonly_fields
    actions = ["unlock_accounts", "unlock_addresses"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        live = _live().values("pk")
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=live)
            .annotate(account_total=_total_by("username"), address_total=_total_by("ip_address"))
        )

    @admin.display(description=_("account"), ordering="username")
    def account(self, obj):
        return obj.username

    @admin.display(description=_("network address"), ordering="ip_address")
    def address(self, obj):
        return obj.ip_address

    @admin.display(description=_("browser"))
    def browser(self, obj):
        return obj.user_agent

    @admin.display(description=_("failures in this row"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("last failure"), ordering="attempt_time")
    def last_failure(self, obj):
        return obj.attempt_time

    @admin.display(description=_("failures of the account"), ordering="account_total")
    def account_failures(self, obj):
        return obj.account_total

    @admin.display(description=_("failures from the address"), ordering="address_total")
    def address_failures(self, obj):
        return obj.address_total

    @admin.display(description=_("locked out"), boolean=True)
    def locked(self, obj):
        limits = settings.PORTAL_LOGIN_LIMITS
        return obj.account_total >= limits["account"] or obj.address_total >= limits["address"]

    def _unlock(self, request, queryset, field: str) -> list[str]:
        """Forget every failure of the selected rows' accounts (or addresses), from anywhere,
        and record who did it in the admin's history."""
        values = set(queryset.values_list(field, flat=True))
        known = {value for value in values if value is not None}
        match = Q(**{f"{field}__in": known})
        if None in values:
            match |= Q(**{f"{field}__isnull": True})
        freed = FailedLogin.objects.filter(match)
        self.log_deletions(request, list(freed))
        freed.delete()
        return sorted(value or "—" for value in values)

    @admin.action(description=_("Unlock the accounts of the selected rows"), permissions=["delete"])
    def unlock_accounts(self, request, queryset):
        names = self._unlock(request, queryset, "username")
        message = ngettext(
            "Unlocked %(count)d account: %(names)s.",
            "Unlocked %(count)d accounts: %(names)s.",
            len(names),
        )
        self.message_user(request, message % {"count": len(names), "names": ", ".join(names)})

    @admin.action(
        description=_("Unlock the addresses of the selected rows"), permissions=["delete"]
    )
    def unlock_addresses(self, request, queryset):
        addresses = self._unlock(request, queryset, "ip_address")
        message = ngettext(
            "Unlocked %(count)d address: %(names)s.",
            "Unlocked %(count)d addresses: %(names)s.",
            len(addresses),
        )
        self.message_user(
            request, message % {"count": len(addresses), "names": ", ".join(addresses)}
        )
