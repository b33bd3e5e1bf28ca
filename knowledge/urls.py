"""The residents' FAQ: `/faq/` (list and search) and `/faq/<id>/` (one article)."""

from django.urls import path

from . import views

urlpatterns = [
    path("faq/", views.faq_list, name="faq"),
    path("faq/<int:pk>/", views.faq_detail, name="faq_detail"),
]
