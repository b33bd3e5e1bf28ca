"""Routes of the residents' site (DESIGN.md §9: `/`, `/submit/`, `/track/`), under the root."""

from django.urls import include, path

from .views import options, privacy, submit, track
from .views.home import favicon

urlpatterns = [
    path("privacy/", privacy.notice, name="privacy"),
    path("privacy/request/", privacy.personal_data_request, name="privacy_request"),
    path("favicon.ico", favicon),
    path("submit/", submit.submit, name="submit"),
    path("submit/done/", submit.submitted, name="submitted"),
    path("submit/options/regions/<str:code>/", options.region_options, name="region_options"),
    path("submit/options/places/", options.place_options, name="place_options"),
    path(
        "submit/options/categories/<str:code>/",
        options.category_options,
        name="category_options",
    ),
    path("track/", track.lookup, name="track"),
    path("track/<str:number>/", track.detail, name="track_detail"),
    path("track/<str:number>/photos/<int:attachment_id>/", track.photo, name="track_photo"),
    path("track/<str:number>/rate/", track.rate, name="track_rate"),
    path("track/<str:number>/reopen/", track.reopen, name="track_reopen"),
    path("i18n/", include("django.conf.urls.i18n")),
]
