"""Public statistics and open data."""

from django.urls import path, re_path

from portal.replica import reads

from . import public

urlpatterns = [
    path("stats/", reads(public.stats_page), name="public-stats"),
    re_path(
        r"^stats/open-data/(?P<dataset>[a-z-]+)-(?P<month>\d{4}-\d{2})\.(?P<fmt>csv|json)$",
        reads(public.open_data),
        name="open-data",
    ),
]
