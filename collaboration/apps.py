from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration (協働)")

    def ready(self):
        from collaboration import panels_gobetween

        panels_gobetween.register_panels()  # the admin home's follow-ups, the group page's link
