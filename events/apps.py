from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # Our sections of other apps' pages (core.registry). Imported here, not at the top:
        # they read models, which Django loads only after this module (not a cycle).
        from events import panels

        panels.register_panels()
        panels.register_admin_panels()  # the admin home (core.admin_site)

        from core import search as site_search
        from events import search

        site_search.register("events", 20, search.search)
