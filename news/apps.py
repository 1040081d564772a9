from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # Our sections of other apps' pages (core.registry). Imported here, not at the top:
        # they read models, which Django loads only after this module (not a cycle).
        from news import home

        home.register_panels()

        from news import panels

        panels.register_admin_panels()  # the admin home (core.admin_site)

        from core import search as site_search
        from news import search

        site_search.register("news", 30, search.search)
