from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Our panel of the admin home (core.registry). Imported here, not at the top: it reads
        # models, which Django loads only after this module (not a cycle).
        from reports import panels

        panels.register_admin_panels()
