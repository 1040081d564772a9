from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from core import (
            audit,
            audit_display,
            personal_data,
            personal_data_requests,
            registry,
            viewercache,
        )
        from core.sites import site_follows_settings

        # Each app describes its audit keys in <app>/audit.py (core/audit.py's docstring).
        audit.autodiscover()
        # Each app declares the personal data it holds in <app>/personal_data.py
        # (core/personal_data.py's docstring).
        personal_data.autodiscover()
        personal_data_requests.register_audit()
        registry.register(
            "admin_home",
            registry.Panel(
                key="core.personal_data_request",
                order=95,
                template="core/personal_data/panel.html",
                context=personal_data_requests.admin_home_panel,
            ),
        )
        registry.register(
            "admin_home",
            registry.Panel(
                key="core.recent_actions",
                order=90,
                template="core/panels/admin_recent_actions.html",
                context=audit_display.recent_panel,
            ),
        )

        # Every save and delete makes the signed-in pages kept per viewer stale (issue #20).
        viewercache.connect()

        # After core's migrations, which come after the sites framework's (INSTALLED_APPS order):
        # its default row "example.com" is made by then and is given the portal's own address.
        post_migrate.connect(site_follows_settings, sender=self, dispatch_uid="core_site_row")
