from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("maps/boundaries/", views.boundaries, name="boundaries"),
    path("maps/regions/<str:code>/", views.region, name="region"),
    path("maps/place/", views.place, name="place"),
]
