"""The reports' audit keys (core.audit's registry): the KPI targets staff set in the admin."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import ActionType, detail, register

register(
    ActionType(
        "reports.kpi_target_set",
        _("set a KPI target"),
        details=[detail("value", pgettext_lazy("report", "target"))],
    ),
    ActionType(
        "reports.kpi_target_delete",
        _("removed a KPI target"),
        details=[detail("value", pgettext_lazy("report", "target"))],
    ),
    ActionType(
        "reports.manual_figure_set",
        _("entered a figure by hand"),
        details=[detail("value", pgettext_lazy("report", "figure"))],
    ),
    ActionType(
        "reports.manual_figure_delete",
        _("removed a hand-entered figure"),
        details=[detail("value", pgettext_lazy("report", "figure"))],
    ),
    ActionType(
        "reports.business_report_save",
        _("saved a business report's narrative"),
    ),
)
