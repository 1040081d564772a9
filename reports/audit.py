"""The reports' audit keys (core.audit's registry): the KPI targets staff set in the admin."""

from django.utils.translation import gettext_lazy as _

from core.audit import ActionType, detail, register

register(
    ActionType(
        "reports.kpi_target_set",
        _("set a KPI target"),
        details=[detail("value", _("target"))],
    ),
    ActionType(
        "reports.kpi_target_delete",
        _("removed a KPI target"),
        details=[detail("value", _("target"))],
    ),
)
