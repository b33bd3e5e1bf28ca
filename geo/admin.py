"""Boundaries in the staff admin: the list, and one outline's GeoJSON checked and measured on
save (the box, the centre and the area follow the outline). Files are loaded with
`manage.py import_boundaries`."""

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import geometry as geo
from . import services
from .models import Boundary


class BoundaryForm(forms.ModelForm):
    class Meta:
        model = Boundary
        fields = ["region", "geometry", "source"]

    def clean_geometry(self):
        try:
            outline = geo.outline_from_geojson(json.loads(self.cleaned_data["geometry"]))
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("Not JSON: %(error)s") % {"error": error.msg}) from error
        except geo.BadGeometry as error:
            raise forms.ValidationError(str(error)) from error
        self.outline = outline
        return geo.to_geojson(outline)

    def save(self, commit=True):
        measured = services.boundary_row(
            self.cleaned_data["region"], self.outline, source=self.cleaned_data.get("source", "")
        )
        for name in ("geometry", "min_lon", "min_lat", "max_lon", "max_lat", "centre_lat",
                     "centre_lon", "area_m2"):  # fmt: skip
            setattr(self.instance, name, getattr(measured, name))
        return super().save(commit=commit)


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    form = BoundaryForm
    list_display = ["region", "region__level", "area_km2", "centre", "source", "updated_at"]
    list_filter = ["region__level", "source"]
    search_fields = ["region__code", "region__name", "region__name_en"]
    list_select_related = ["region__parent"]
    autocomplete_fields = ["region"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat", "centre_lat", "centre_lon",
                       "area_m2", "updated_at"]  # fmt: skip

    @admin.display(description=_("area (km²)"), ordering="area_m2")
    def area_km2(self, boundary):
        return f"{boundary.area_m2 / 1e6:.2f}"

    @admin.display(description=_("centre"))
    def centre(self, boundary):
        return f"{boundary.centre_lat:.5f}, {boundary.centre_lon:.5f}"
