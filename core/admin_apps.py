"""``django.contrib.admin`` with the office's site as ``admin.site`` (named in INSTALLED_APPS).

A module of its own: Django imports it while it loads the apps, before any model may be imported,
and the site (``core.admin_site``) reads the log-in form, which reads the accounts' models.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "core.admin_site.PortalAdminSite"
