from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with our site class (work queues on the index, the dashboard)."""

    default_site = "portal.admin_site.PortalAdminSite"
