from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaillogConfig(AppConfig):
    name = "maillog"
    verbose_name = _("Mail log")

    def ready(self):
        # Our section of My Page (core.registry).
        from maillog import panels

        panels.register_panels()
