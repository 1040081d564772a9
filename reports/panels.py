"""The reports app's panels on other apps' pages (see ``core.registry``), registered in
``ReportsConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.roles import can_view_reports
from core import registry
from core.fiscal import FiscalYear
from reports.annual import YearReport
from reports.kpis.definitions import KPIS

# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_month(request) -> dict:
    """This month's headline figures and the fiscal year's so far against its targets, with the
    way to the year's report. The figures are the year report's (gathered once for everyone and
    kept for a minute, ``reports.kpis.remember``), so the panel costs the same few queries
    whatever the data, and none while the figures are fresh, but the cache's and the targets'."""
    if not can_view_reports(request.user):
        return {"figures": []}
    today = timezone.localdate()
    report = YearReport(FiscalYear.of(today).year, today=today)
    month = today.replace(day=1)
    this_month = dict(report.months).get(month, {})
    by_key = {figure.key: figure for figure in report.figures}
    figures = [
        {
            "kpi": kpi,
            "month": this_month.get(kpi.key),
            "figure": by_key[kpi.key],
        }
        for kpi in KPIS
        if kpi.headline
    ]
    return {
        "figures": figures,
        "month": month,
        "fiscal_year": report.fy,
        "report_url": reverse("reports:annual_year", args=[report.year]),
        "targets_url": reverse("admin:reports_kpitarget_changelist")
        + f"?fiscal_year={report.year}",
        "has_targets": any(f["figure"].target is not None for f in figures),
    }


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="reports.month",
            order=40,
            template="reports/panels/admin_month.html",
            context=admin_month,
        ),
    )
