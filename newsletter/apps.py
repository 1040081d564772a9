from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        # The mail provider's webhook (django-anymail) reports bounces through a signal.
        # Our sections of other apps' pages (core.registry). Imported here, not at the top:
        # they read models, which Django loads only after this module (not a cycle).
        from newsletter import (
            panels,
            receivers,  # noqa: F401
        )

        panels.register_panels()
        panels.register_admin_panels()  # the admin home (core.admin_site)

        from core import search as site_search
        from newsletter import search

        site_search.register("newsletter", 50, search.search)
