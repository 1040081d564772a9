"""Annual reports for staff and city officials: pages, charts (SVG), CSV and Excel downloads."""

from csp.decorators import csp_replace
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.roles import is_office_staff
from core.csv import csv_response
from core.viewercache import viewer_page
from reports import kpis
from reports.annual import TrendReport, YearReport, report_year_or_404
from reports.charts import TREND_CHARTS, YEAR_CHARTS, trend_chart_kpi
from reports.exports import report_csv_rows, trend_csv_rows
from reports.kpis.definitions import KPIS
from reports.permissions import reports_viewer_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# An SVG chart is a document of its own: pygal styles it with an inline <style>; it has no script.
svg_policy = csp_replace(
    {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "script-src": ["'none'"]}
)


def _refresh() -> dict:
    """How long the report figures may be kept (shown in the notes of every report page)."""
    return {"live": kpis.live_seconds(), "finished": kpis.finished_seconds()}


def _private(response: HttpResponse) -> HttpResponse:
    """Reports are for staff and officials: no shared cache keeps a copy."""
    response["Cache-Control"] = "private, no-store"
    return response


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@require_GET
@reports_viewer_required
def annual(request):
    report = TrendReport()
    charts = [(chart, chart.data(report)) for chart in TREND_CHARTS.values()]
    return render(
        request,
        "reports/annual.html",
        {"report": report, "charts": charts, "definitions": report.kpis, "refresh": _refresh()},
    )


@require_GET
@reports_viewer_required
def annual_trend_csv(request):
    report = TrendReport()
    return _private(csv_response("kyodo-office-report-all-years.csv", trend_csv_rows(report)))


@viewer_page("reports:annual_year")
@require_GET
@reports_viewer_required
def annual_year(request, year: int):
    report_year_or_404(year)
    report = YearReport(year)
    # The charts' data tables reuse the figures the page gathers (no extra query); built only
    # when the page is not already kept (see the template's cache block).
    charts = SimpleLazyObject(
        lambda: [(chart, chart.data(report)) for chart in YEAR_CHARTS.values()]
    )
    return render(
        request,
        "reports/annual_year.html",
        {
            "report": report,
            "charts": charts,
            "definitions": KPIS,
            "refresh": _refresh(),
            # Groups with no activity, for the office's follow-up: staff only.
            "show_follow_up": is_office_staff(request.user),
        },
    )


@require_GET
@reports_viewer_required
def annual_csv(request, year: int):
    report_year_or_404(year)
    report = YearReport(year)
    return _private(csv_response(f"{report.filename}.csv", report_csv_rows(report)))


@require_GET
@reports_viewer_required
def annual_xlsx(request, year: int):
    report_year_or_404(year)
    report = YearReport(year)
    return _download(report.as_xlsx(), XLSX, f"{report.filename}.xlsx")


def _svg(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="image/svg+xml; charset=utf-8")


def _narrow(request) -> bool:
    """``?size=narrow``: the chart drawn for a phone's width (the page's <picture> asks for it
    below 600 px), its text readable there."""
    return request.GET.get("size") == "narrow"


@require_GET
@reports_viewer_required
@cache_control(private=True, max_age=300)
@svg_policy
def trend_chart(request, chart: str):
    definition = TREND_CHARTS.get(chart)
    if definition is None:
        raise Http404("No such chart.")
    report = TrendReport(kpi_list=(trend_chart_kpi(definition),))
    return _svg(definition.render(report, narrow=_narrow(request)))


@require_GET
@reports_viewer_required
@cache_control(private=True, max_age=300)
@svg_policy
def year_chart(request, year: int, chart: str):
    report_year_or_404(year)
    definition = YEAR_CHARTS.get(chart)
    if definition is None:
        raise Http404("No such chart.")
    report = YearReport(year, sources=definition.sources)
    return _svg(definition.render(report, narrow=_narrow(request)))
