"""How failed staff sign-ins lock out, on top of django-axes (https://django-axes.readthedocs.io).

Axes counts failures in the database (`AxesDatabaseHandler`: no cache, so sign-in keeps working
when Redis is down) per account and per client address (`AXES_LOCKOUT_PARAMETERS`), but compares
both counts with one limit. A hotline centre signs in dozens of call-takers from one office
address, so the address needs a higher limit than an account: `LoginGuardHandler` gives each its
own (`PORTAL_LOGIN_LIMITS`). Failures older than the cool-off are forgotten (the lock lifts by
itself); a supervisor may unlock earlier (`accounts.admin`).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render


def client_address(request) -> str | None:
    """The client's address: the same request header as the residents' site's rate limits
    (`RATELIMIT_IP_META_KEY`, set behind a proxy), else the connection's address."""
    value = request.META.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR", "")
    return value.split(",")[0].strip() or None


class LoginGuardHandler(AxesDatabaseHandler):
    """Axes's database handler with a limit per account and another per address."""

    def _failures(self, request, credentials) -> tuple[int, int]:
        # One queryset per AXES_LOCKOUT_PARAMETERS entry, in its order: account, then address.
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return by_account, by_address

    def get_failures(self, request, credentials=None) -> int:
        """Axes compares this with AXES_FAILURE_LIMIT (the account's limit): the address's
        failures are expressed in the account's units, so the result reaches the limit exactly
        when either count reaches its own (⌊b·A/L⌋ ≥ A ⇔ b ≥ L)."""
        by_account, by_address = self._failures(request, credentials)
        account_limit = settings.PORTAL_LOGIN_LIMITS["account"]
        address_limit = settings.PORTAL_LOGIN_LIMITS["address"]
        return max(by_account, by_address * account_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget that account's failures (from every address),
        not the address's: a colleague signing in at the office must not wipe an attacker's
        count there."""
        by_account, _by_address = self.filter_user_attempts(request, credentials)
        deleted, _per_model = by_account.delete()
        return deleted


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page's answer while locked out (HTTP 429): for how long, and who unlocks."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {**admin.site.each_context(request), "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)
