from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # Our sections of other apps' pages (core.registry).
        from news import home

        home.register_panels()
