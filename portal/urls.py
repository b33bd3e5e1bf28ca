"""URL contract (DESIGN.md §9). Each area adds its routes as it lands."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tickets import files
from tickets.api.views import problems

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("portal.public_urls")),  # the residents' site (issue 3)
    path("", include("analytics.urls")),
    path("", include("knowledge.urls")),  # issue 14: the residents' FAQ
    path("", include("geo.urls")),  # issue 17: what the maps fetch
    # issue 5: REST API, its schema and docs, Open311 GeoReport v2
    path("api/v1/", include("tickets.api.urls")),
    path("api/v1/", include("analytics.api")),  # issue 7: /api/v1/stats/rankings/ and the rest
    path("api/v1/", include("suggestions.api")),  # issue 14: intake/ and public/suggestions/
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # issue 16: what an error's `type` names, and any other path under /api/ is a problem 404
    path("api/problems/", problems.ProblemTypesView.as_view(), name="api-problems"),
    path("api/problems/<str:code>", problems.ProblemTypesView.as_view(), name="api-problem"),
    re_path(r"^api/", problems.UnknownApiPathView.as_view(), name="api-unknown"),
    path("open311/v2/", include("tickets.open311.urls")),
    # issue 12: signed links to attachments (MEDIA_URL is never served, not even with DEBUG)
    path("files/<str:kind>/<str:token>", files.signed_file, name="signed-file"),
]

handler500 = "tickets.api.views.problems.server_error"  # a problem document under /api/
