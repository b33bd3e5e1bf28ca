"""Boundaries of the regions (WGS-84), stored portably: GeoJSON text and bounding-box columns.

No spatial database is needed (PostGIS is not required on SQLite or PostgreSQL): lookups run
in each process on an index built from these rows (`geo.index`), and `BoundaryStamp` tells
every process when to rebuild it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Boundary(models.Model):
    """A region's outline: a Polygon or MultiPolygon in GeoJSON, longitude/latitude WGS-84."""

    region = models.OneToOneField(
        "departments.Region",
        verbose_name=_("region"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="boundary",
    )
    geometry = models.TextField(_("outline (GeoJSON, WGS-84)"))
    # The bounding box, for coarse queries in SQL without parsing the outline.
    min_lon = models.FloatField(_("west"))
    min_lat = models.FloatField(_("south"))
    max_lon = models.FloatField(_("east"))
    max_lat = models.FloatField(_("north"))
    # A point inside the outline: its centroid, or where that falls outside (a crescent, a
    # ring), the inside point furthest from its edges. Open data places tickets here.
    centre_lat = models.FloatField(_("centre latitude"))
    centre_lon = models.FloatField(_("centre longitude"))
    area_m2 = models.FloatField(_("area (m²)"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        indexes = [models.Index(fields=["min_lon", "max_lon"], name="geo_boundary_lon_span")]

    def __str__(self):
        return str(self.region)


class BoundaryStamp(models.Model):
    """One row: a new random token whenever any boundary changes. Each process compares it with
    the token its index was built from (`geo.index`) and rebuilds when they differ."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boundary version")
        verbose_name_plural = _("boundary versions")

    def __str__(self):
        return self.token
