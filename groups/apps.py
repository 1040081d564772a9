from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Citizen groups")

    def ready(self):
        # Our sections of other apps' pages (core.registry). Imported here, not at the top:
        # they read models, which Django loads only after this module (not a cycle).
        from groups import panels

        panels.register_panels()
        panels.register_admin_panels()  # the admin home (core.admin_site)

        from core import search as site_search
        from groups import search

        site_search.register("groups", 10, search.search)
