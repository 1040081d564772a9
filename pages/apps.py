from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages and office details")

    def ready(self):
        # Our part of the site-wide search (core.search).
        from core import search as site_search
        from pages import search

        site_search.register("pages", 60, search.search)
