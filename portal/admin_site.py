"""The staff site: Django's admin with each role's work queues on the index and a dashboard."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("12345 hotline — staff")
    site_title = _("12345 hotline")
    index_title = _("Work queues")
    index_template = "admin/portal_index.html"
    enable_nav_sidebar = False  # the ticket list needs the width

    def get_urls(self):
        from analytics.staff import urls as analytics_urls

        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            *analytics_urls(self),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from analytics.staff import may_analyse
        from tickets.models import Ticket
        from tickets.permissions import can
        from tickets.queues import queue_counts
        from tickets.workflow import Action

        extra_context = {
            **(extra_context or {}),
            "queues": queue_counts(request.user),
            "may_analyse": may_analyse(request.user),
            "may_take_calls": can(request.user, Ticket(), Action.PHONE_INTAKE),
        }
        return super().index(request, extra_context)

    def dashboard_view(self, request):
        from analytics.charts import chart
        from analytics.evaluation import latest_kind_rates
        from tickets import stats
        from tickets.models import Ticket
        from tickets.selectors import ticket_list_for

        figures = stats.dashboard(ticket_list_for(request.user))
        rates_month, by_kind = latest_kind_rates(figures["month"].date())
        kinds = dict(Ticket._meta.get_field("lead_unit").related_model.Kind.choices)
        rates = [(kinds.get(kind, kind), r.valid, r.percentages()) for kind, r in by_kind.items()]
        tickets = _("tickets")
        intake, status, overdue = (
            figures["intake_by_day"],
            figures["open_by_status"],
            figures["overdue_by_unit"],
        )
        charts = {  # each drawn from the same rows as the card or table beside it
            "intake": chart(
                "line",
                [f"{day:%m-%d}" for day, _n in intake],
                {tickets: [n for _d, n in intake]},
                partial_last=True,
            ),
            "status": chart(
                "bar", [label for label, _n in status], {tickets: [n for _s, n in status]}
            ),
            "overdue": chart(
                "bar",
                [label for label, _n in overdue],
                {tickets: [n for _u, n in overdue]},
                horizontal=True,
            ),
        }
        context = {
            **self.each_context(request),
            "title": _("Dashboard"),
            "figures": figures,
            "rates": rates,
            "rates_month": rates_month,
            "rates_of_last_month": rates_month != figures["month"].date(),
            "charts": charts,
        }
        return TemplateResponse(request, "admin/dashboard.html", context)
