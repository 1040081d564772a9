from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration (協働)")

    def ready(self):
        from collaboration import panels, panels_gobetween

        panels.register_panels()  # My Page's way to the desk (officials, the office)

        panels_gobetween.register_panels()  # the admin home's follow-ups, the group page's link
