"""A boundary saved or deleted one by one (the admin, a shell) changes the stamp too; the import
writes in bulk and calls `services.boundaries_changed` itself."""

from django.db.models.signals import post_delete, post_save

from .models import Boundary


def _changed(sender, **kwargs):
    from .services import boundaries_changed, in_bulk

    if not in_bulk.get():
        boundaries_changed()


post_save.connect(_changed, sender=Boundary, dispatch_uid="geo.boundary_saved")
post_delete.connect(_changed, sender=Boundary, dispatch_uid="geo.boundary_deleted")
