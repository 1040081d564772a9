"""The annual business report (事業報告書): one fiscal year's narrative, written by staff in
Markdown (BusinessReport), assembled with the year's figures against their targets, the
breakdowns, the charts, the chosen survey results, a summary of the opinion box and any further
sections other apps register (the collaboration projects, when they exist).

``BusinessReportDocument(year)`` is what the page /reports/business/<year>/ and its PDF show;
``pdf_bytes(document, html)`` makes the PDF with WeasyPrint (cover, table of contents, page
numbers; Japanese set in Noto CJK JP, Debian's fonts-noto-cjk)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.fiscal import FiscalYear
from core.markdown import render_markdown
from events.models import Survey
from events.selectors import survey_results
from news.models import Opinion
from reports.annual import YearReport
from reports.charts import YEAR_CHARTS, render_svg
from reports.kpis.definitions import KPIS
from reports.models import BusinessReport

# The narrative's sections, in the report's order: (field, heading, anchor).
NARRATIVE = (
    ("overview", _("Overview of the work"), "overview"),  # 事業の概要
    ("achievements", _("Achievements"), "achievements"),  # 成果
    ("issues", _("Issues"), "issues"),  # 課題
    ("next_plan", _("Plan for the next year"), "next-plan"),  # 次年度の計画
)


@dataclass
class ExtraSection:
    """A section another app adds to the report (e.g. the collaboration projects): a heading,
    an anchor and sanitised HTML. Returned by a function registered with ``register_section``."""

    title: str
    anchor: str
    html: str


# The registry slot: functions (fiscal year: int) -> ExtraSection | None, called in order.
SECTIONS: list[Callable[[int], ExtraSection | None]] = []


def register_section(function: Callable[[int], ExtraSection | None]):
    """Add a section to every business report (usable as a decorator); the collaboration
    projects register theirs here once they exist."""
    if function not in SECTIONS:
        SECTIONS.append(function)
    return function


@dataclass
class TopicCount:
    label: str
    total: int
    answered: int


@dataclass
class OpinionSummary:
    rows: list[TopicCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def answered(self) -> int:
        return sum(row.answered for row in self.rows)

    @property
    def answered_pct(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.answered) * 100 / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def opinion_summary(fy: FiscalYear) -> OpinionSummary:
    """The opinion box's messages received in the year, by topic, and how many were answered
    (status 「回答済み」), both addressees together. One query."""
    counts = {
        row["topic"]: row
        for row in Opinion.objects.filter(created_at__gte=fy.start, created_at__lt=fy.end)
        .values("topic")
        .annotate(total=Count("pk"), answered=Count("pk", filter=Q(status=Opinion.Status.ANSWERED)))
        .order_by()
    }
    rows = [
        TopicCount(str(label), counts[value]["total"], counts[value]["answered"])
        for value, label in Opinion.Topic.choices
        if value in counts
    ]
    return OpinionSummary(rows)


class BusinessReportDocument:
    """Everything the business report of fiscal year ``year`` shows."""

    def __init__(self, year: int, *, today=None):
        self.report = YearReport(year, today=today)
        self.fy = self.report.fy
        self.year = year

    @cached_property
    def narrative(self) -> BusinessReport | None:
        return BusinessReport.objects.filter(fiscal_year=self.year).first()

    @cached_property
    def sections(self) -> list[dict]:
        """The narrative's sections that have text, as sanitised HTML."""
        if self.narrative is None:
            return []
        result = []
        for name, title, anchor in NARRATIVE:
            text = getattr(self.narrative, name)
            if text.strip():
                result.append({"title": title, "anchor": anchor, "html": render_markdown(text)})
        return result

    @cached_property
    def has_figures(self) -> bool:
        return any(self.report.has_data(kpi) for kpi in KPIS)

    @property
    def has_content(self) -> bool:
        return bool(self.sections) or self.has_figures

    @cached_property
    def figures(self):
        return [f for f in self.report.figures if f.value is not None]

    @cached_property
    def breakdowns(self):
        return [b for b in self.report.breakdowns if b.total]

    @cached_property
    def charts(self) -> list[dict]:
        """The year's charts with data: slug, title and the SVG (for the PDF, inline)."""
        if not self.has_figures:
            return []
        result = []
        for chart in YEAR_CHARTS.values():
            if not any(self.report.has_data(kpi) for kpi in KPIS if kpi.source in chart.sources):
                continue
            result.append({"slug": chart.slug, "title": chart.title, "chart": chart})
        return result

    def chart_data_uris(self) -> list[dict]:
        """The charts as data: URIs (the PDF fetches nothing over the network)."""
        result = []
        for entry in self.charts:
            # The figures once: drawn as the chart and printed as its table under it.
            data = entry["chart"].data(self.report)
            svg = render_svg(data)
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
            result.append({**entry, "src": uri, "data": data})
        return result

    @cached_property
    def surveys(self) -> list[dict]:
        """The survey results staff chose for the report: tallies only (free-text answers are
        not printed in the report; they are on the survey's results page)."""
        if self.narrative is None:
            return []
        chosen = self.narrative.surveys.select_related("event").order_by("opens_at", "pk")
        result = []
        for survey in chosen:
            total, questions = survey_results(survey)
            result.append({"survey": survey, "total": total, "questions": questions})
        return result

    @cached_property
    def opinions(self) -> OpinionSummary:
        return opinion_summary(self.fy)

    @cached_property
    def extra_sections(self) -> list[ExtraSection]:
        return [s for s in (function(self.year) for function in SECTIONS) if s is not None]

    @cached_property
    def contents(self) -> list[tuple[str, str]]:
        """The table of contents: (anchor, heading) of every part the report has."""
        items = [(s["anchor"], s["title"]) for s in self.sections[:1]]
        if self.figures:
            items.append(("figures", _("Figures against targets")))
        if self.breakdowns:
            items.append(("breakdowns", _("Breakdowns")))
        if self.charts:
            items.append(("charts", _("Charts")))
        items += [(s["anchor"], s["title"]) for s in self.sections[1:]]
        if self.surveys:
            items.append(("surveys", _("Survey results")))
        items.append(("opinions", _("The opinion box")))
        items += [(s.anchor, s.title) for s in self.extra_sections]
        return items

    @property
    def filename(self) -> str:
        return f"business-report-{self.year}"


def survey_choices():
    """Surveys staff may choose for a report (not drafts)."""
    return Survey.objects.exclude(status=Survey.Status.DRAFT)


def pdf_bytes(html: str, *, base_url: str) -> bytes:
    """The PDF of the rendered print page, made on the server with WeasyPrint. Nothing is
    fetched over the network: charts come inline and other URLs are refused."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only data: URIs (the inline charts); any other address is refused, not fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


# --- The collaboration projects (issue #18 part 6): their figures of the year


@register_section
def collaboration_section(year: int) -> ExtraSection | None:
    """協働事業: the year's collaboration figures (reports.kpis' collaboration source), or no
    section for a year without any."""
    from django.utils.html import format_html, format_html_join

    from reports.kpis.definitions import BY_KEY, format_value

    # All sources: the same figures (one cache entry) the report's own tables were made from.
    report = YearReport(year)
    rows = [
        (BY_KEY[key], report.values.get(key))
        for key in (
            "proposals_received",
            "proposals_adopted",
            "projects_running",
            "projects_completed",
            "partners_involved",
            "introductions_made",
            "consultations_referred",
        )
    ]
    if not any(value for _kpi, value in rows):
        return None
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="num">{} {}</td></tr>',
        ((kpi.label, format_value(value, kpi.decimals), kpi.unit) for kpi, value in rows),
    )
    html = format_html(
        '<table class="report-table"><caption>{}</caption><tbody>{}</tbody></table>',
        _("Collaboration figures of the year"),
        body,
    )
    return ExtraSection(title=str(_("Collaboration (協働)")), anchor="collaboration", html=html)
