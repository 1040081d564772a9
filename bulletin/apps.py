from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "bulletin"
    verbose_name = _("Bulletin board")

    def ready(self):
        # Our sections of other apps' pages (core.registry). Imported here, not at the top:
        # they read models, which Django loads only after this module (not a cycle).
        from bulletin import panels

        panels.register_panels()
        panels.register_admin_panels()  # the admin home (core.admin_site)

        from bulletin import search
        from core import search as site_search

        site_search.register("bulletin", 40, search.search)
