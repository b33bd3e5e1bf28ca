from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    path("bench/trivial/", views.trivial, name="bench-trivial"),
    path("bench/insert/", views.minimal_insert, name="bench-insert"),
    *portal_urlpatterns,
]
