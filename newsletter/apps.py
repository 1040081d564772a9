from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        # The mail provider's webhook (django-anymail) reports bounces through a signal.
        from newsletter import receivers  # noqa: F401
