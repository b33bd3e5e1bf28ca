"""`/open311/v2/…` with `.xml` (default) or `.json` suffixes (DESIGN.md §9)."""

from django.urls import re_path

from . import views

app_name = "open311"
FORMAT = r"(?:\.(?P<format>xml|json))?$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FORMAT,
        views.ServiceDefinitionView.as_view(),
        name="service-definition",
    ),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+?)" + FORMAT,
        views.RequestDetailView.as_view(),
        name="request",
    ),
    re_path(
        r"^servicerequestupdates" + FORMAT,
        views.RequestUpdatesView.as_view(),
        name="service-request-updates",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.TokenView.as_view(), name="token"),
    re_path(r"^(?P<rest>.*?)" + FORMAT, views.NotFoundView.as_view(), name="not-found"),
]
