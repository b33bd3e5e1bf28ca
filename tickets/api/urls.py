"""`/api/v1/` routes (DESIGN.md §9)."""

from django.urls import path

from . import schema  # noqa: F401  (registers the key authentication with drf-spectacular)
from .views import changes, reference, stats, tickets
from .views.actions import ACTION_VIEWS

app_name = "api"

urlpatterns = [
    path("tickets/", tickets.TicketListCreateView.as_view(), name="ticket-list"),
    path("tickets/<str:number>/", tickets.TicketDetailView.as_view(), name="ticket-detail"),
    path(
        "tickets/<str:number>/trajectory/",
        tickets.TicketTrajectoryView.as_view(),
        name="ticket-trajectory",
    ),
    path(
        "tickets/<str:number>/attachments/<str:attachment_id>/",
        tickets.TicketAttachmentView.as_view(),
        name="ticket-attachment",
    ),
    *[
        path(f"tickets/<str:number>/{name}/", view.as_view(), name=f"ticket-{name}")
        for name, view in ACTION_VIEWS.items()
    ],
    path("changes/", changes.ChangeFeedView.as_view(), name="change-feed"),
    path("categories/", reference.CategoryTreeView.as_view(), name="category-tree"),
    path("regions/", reference.RegionTreeView.as_view(), name="region-tree"),
    path("units/", reference.UnitListView.as_view(), name="unit-list"),
    path("stats/intake/", stats.IntakeStatsView.as_view(), name="stats-intake"),
    path("stats/open/", stats.OpenStatsView.as_view(), name="stats-open"),
    path("stats/overdue/", stats.OverdueStatsView.as_view(), name="stats-overdue"),
]
