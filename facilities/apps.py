from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities")

    def ready(self):
        # Our sections of other apps' pages (core.registry).
        from facilities import panels

        panels.register_panels()
        panels.register_admin_panels()  # the admin home (core.admin_site)
        # A private calendar feed is made with each group (facilities.hooks; imported here, as
        # panels above: it imports models, which the app registry loads before ready()).
        from facilities import hooks

        hooks.connect()
        from facilities import gridcache  # kept grids: every change renews their version

        gridcache.connect()
