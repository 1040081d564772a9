"""Pages for the readers of the reports beyond the annual figures: the events' survey results
(staff, city officials, committee members), the opinions addressed to the committee (staff and
committee members), and the annual business report (事業報告書) with its PDF."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.roles import can_read_committee_opinions, can_view_survey_results
from core.fiscal import FiscalYear
from core.pagination import paginate
from events.models import Survey
from news.models import Opinion
from reports.annual import report_today, report_year_or_404
from reports.business_report import BusinessReportDocument, pdf_bytes
from reports.models import FIRST_REPORT_YEAR, BusinessReport
from reports.permissions import reports_viewer_required


def _private(response):
    """Reports are for their readers only: no shared cache keeps a copy."""
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@reports_viewer_required
def surveys(request):
    """Every survey that has been opened, newest first, with its number of responses."""
    if not can_view_survey_results(request.user):
        raise PermissionDenied
    rows = (
        Survey.objects.exclude(status=Survey.Status.DRAFT)
        .select_related("event")
        .annotate(n_responses=Count("responses"))
        .order_by(F("opens_at").desc(nulls_last=True), "-pk")
    )
    page = paginate(request, rows, 30)
    return _private(render(request, "reports/business_surveys.html", {"page_obj": page}))


@require_GET
@reports_viewer_required
def committee_opinions(request):
    """The opinion box's messages addressed to the operating committee (read-only)."""
    if not can_read_committee_opinions(request.user):
        raise PermissionDenied
    rows = Opinion.objects.filter(addressed_to=Opinion.Addressee.COMMITTEE).order_by(
        "-created_at", "-pk"
    )
    page = paginate(request, rows, 20)
    return _private(render(request, "reports/business_opinions.html", {"page_obj": page}))


def _document_or_404(year: int) -> BusinessReportDocument:
    report_year_or_404(year)
    return BusinessReportDocument(year)


@require_GET
@reports_viewer_required
def business_index(request):
    """The business reports: every fiscal year with a narrative, and the years of the data."""
    written = list(
        BusinessReport.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True)
    )
    current = FiscalYear.of(report_today()).year
    years = sorted(set(written) | {current, current - 1}, reverse=True)
    rows = [{"fy": FiscalYear(y), "written": y in written} for y in years if y >= FIRST_REPORT_YEAR]
    return _private(
        render(
            request,
            "reports/business_index.html",
            {"rows": rows, "can_read_opinions": can_read_committee_opinions(request.user)},
        )
    )


@require_GET
@reports_viewer_required
def business(request, year: int):
    document = _document_or_404(year)
    # Each chart comes with its own figures (its data table under it): the business report
    # has not the year page's monthly tables the charts are drawn from.
    charts = []
    for chart in document.charts:
        src = reverse("reports:year_chart", args=[year, chart["slug"]])
        # A phone gets the chart drawn for its width (``?size=narrow``, reports.charts).
        charts.append(
            {
                **chart,
                "src": src,
                "narrow_src": f"{src}?size=narrow",
                "data": chart["chart"].data(document.report),
            }
        )
    context = {"doc": document, "fy": document.fy, "charts": charts}
    return _private(render(request, "reports/business.html", context))


@require_GET
@reports_viewer_required
def business_pdf(request, year: int):
    document = _document_or_404(year)
    if not document.has_content:
        response = render(request, "reports/business_empty.html", {"fy": document.fy}, status=404)
        return _private(response)
    html = render_to_string(
        "reports/business_print.html",
        {
            "doc": document,
            "fy": document.fy,
            "charts": document.chart_data_uris(),
            "stylesheet": _print_css(),
        },
        request=request,
    )
    pdf = pdf_bytes(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}.pdf"'
    return _private(response)


def _print_css() -> str:
    path = finders.find("reports/business_print.css")
    with open(path, encoding="utf-8") as f:
        return f.read()
