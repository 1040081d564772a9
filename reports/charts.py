"""Charts of the reports, drawn on the server as SVG with pygal.

Each chart is served at its own URL and shown with ``<img src>`` (no script can run in an image,
and the page's strict Content-Security-Policy stays intact); pygal's tooltip scripts are removed
from the SVG all the same. The page prints the same data as a table for screen readers, built
from the same ``ChartData``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.fiscal import FiscalYear
from core.pygal_compat import Style, pygal
from reports.kpis.definitions import BY_KEY, HEADLINE_KPIS, format_value
from reports.manual import MARKER

STYLE = Style(
    font_family='"Noto Sans JP", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, '
    "sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#6b6b6b",
    opacity="1",
    opacity_hover="0.85",
    colors=("#1d5e3a", "#0b4f8a", "#8a5a00", "#a4161a", "#5b3a8a", "#2f6f73"),
    title_font_size=24,
    label_font_size=17,
    major_label_font_size=17,
    value_font_size=15,
    value_label_font_size=15,
    legend_font_size=18,
    tooltip_font_size=15,
)


def _strip_scripts(root):
    """Remove every <script> element pygal writes (configuration and tooltips)."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


@dataclass
class ChartData:
    title: str
    x_title: str
    labels: list[str]
    series: list[tuple[str, list]]  # (name, values), one value per label
    decimals: int = 0
    unit: str = ""
    kind: str = "bar"  # "bar", "stacked" or "hbar" (horizontal bars)
    # The axis title under the labels (the labels "2024年度" need none; the data table keeps it).
    show_x_title: bool = True
    # Each series' own unit when they differ (page views 回, visitors 人); else ``unit``.
    series_units: list[str] | None = None

    @property
    def series_names(self) -> list[str]:
        return [name for name, _values in self.series]

    @property
    def series_headers(self) -> list[str]:
        """The data table's column headings: each series' name with its own unit, once (a
        name that already says its unit, 「稼働率（％）」, gets no second one)."""
        units = self.series_units or [self.unit] * len(self.series)
        headers = []
        for name, unit in zip(self.series_names, units, strict=True):
            # 「稼働率（％）」 says its unit; 「相談件数」 does not (件 is part of the word).
            said = unit and f"({unicodedata.normalize('NFKC', unit)})" in unicodedata.normalize(
                "NFKC", name
            )
            headers.append(f"{name} ({unit})" if unit and not said else name)
        return headers

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        """(label, formatted value of each series): the chart's data table."""
        return [
            (label, [format_value(values[i], self.decimals) for _name, values in self.series])
            for i, label in enumerate(self.labels)
        ]

    @property
    def width(self) -> int:
        return 800

    @property
    def height(self) -> int:
        if self.kind == "hbar":
            return max(300, 90 + 40 * len(self.labels))
        return 400 + int(self.label_drop)

    @property
    def rotation(self) -> int:
        """Labels lie flat when the widest fits its bar's slot, else slant (40°) when slanted
        ones keep a line and a fifth apart across the slot, else stand upright: the full year
        labels (「令和2年度 (2020年度)」, one style everywhere) never print on top of each other."""
        if self.kind == "hbar" or not self.labels:
            return 0
        font = STYLE.label_font_size
        slot = (self.width - 140) / len(self.labels)
        widest = max(_label_width(label, font) for label in self.labels)
        if widest <= slot * 0.9:
            return 0
        if slot * math.sin(math.radians(40)) >= font * 1.2:
            return 40
        return 90

    @property
    def label_extra(self) -> float:
        return _wide_extra(self.labels, STYLE.label_font_size)

    @property
    def label_drop(self) -> float:
        """How far rotated labels hang below pygal's estimate: room kept for the longest."""
        if not self.rotation:
            return 0.0
        return self.label_extra * math.sin(math.radians(self.rotation))

    @property
    def is_empty(self) -> bool:
        return not any(v for _name, values in self.series for v in values if v)


@dataclass(frozen=True)
class Chart:
    slug: str
    title: Promise
    kind: str  # "bar", "stacked", "hbar"
    build: Callable  # (report) -> ChartData
    # The KPI sources the chart reads (its own request reads only these).
    sources: tuple[str, ...] = ()

    def data(self, report) -> ChartData:
        data = self.build(report)
        data.kind = self.kind
        return data

    def render(self, report) -> bytes:
        return render_svg(self.data(report))


def _wide_extra(labels: list[str], font_size: int) -> float:
    """What pygal's estimate of a label's width (0.6 × font size a character) misses for the
    longest label: Japanese characters are a full em wide. Added to the margins, so that no
    label is clipped (「コワーキング・ミーティングスペースA/B」 reads whole)."""
    widest = 0.0
    for label in labels:
        wide = sum(1 for ch in str(label) if unicodedata.east_asian_width(ch) in "WF")
        widest = max(widest, wide * 0.45 * font_size)
    return widest


def _label_width(label: str, font_size: int) -> float:
    """A label's width in pixels: a full em for Japanese characters, 0.6 em for the others."""
    return sum(
        font_size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * font_size
        for ch in str(label)
    )


def render_svg(data: ChartData) -> bytes:
    chart_class = {
        "bar": pygal.Bar,
        "stacked": pygal.StackedBar,
        "hbar": pygal.HorizontalBar,
    }[data.kind]
    horizontal = data.kind == "hbar"
    rotation = data.rotation
    margins = {"margin": 16}
    if horizontal:
        margins["margin_left"] = 16 + data.label_extra
    elif rotation:
        margins["margin_bottom"] = 16 + data.label_drop
    chart = chart_class(
        style=STYLE,
        width=data.width,
        height=data.height,
        js=[],
        show_legend=len(data.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(data.series), 3) or 1,
        x_title=data.x_title if data.show_x_title else None,
        y_title=data.unit,
        x_label_rotation=rotation,
        print_values=len(data.labels) <= 8 and len(data.series) == 1,
        value_formatter=lambda v: format_value(v, data.decimals),
        no_data_text=pgettext("report", "No data"),
        include_x_axis=True,
        min_scale=2,
        # At most about six ticks: numbers such as 「1,000」 stay apart also at a phone's width.
        max_scale=6,
        truncate_label=-1,
        truncate_legend=-1,
        **margins,
    )
    chart.add_xml_filter(_strip_scripts)
    chart.title = data.title
    chart.x_labels = data.labels
    for name, values in data.series:
        chart.add(name, [float(v) if isinstance(v, Decimal) else v for v in values])
    return chart.render()


def _month_label(month) -> str:
    return _("%(month)s/%(year)s") % {"month": month.month, "year": month.year}


# --- One fiscal year (YearReport)


def _monthly(report, title, series_keys) -> ChartData:
    months = report.months
    first = BY_KEY.get(series_keys[0][0])
    # A series that is no KPI of its own names the KPI whose unit it shares (third item).
    units = [
        str(BY_KEY[(rest or [key])[0]].unit) if (rest or [key])[0] in BY_KEY else ""
        for key, _name, *rest in series_keys
    ]
    return ChartData(
        title=str(title),
        x_title=report.fy.label,
        labels=[_month_label(month) for month, _values in months],
        series=[
            # A month not begun has no bar and 「—」 in the table (no results yet).
            (
                str(name),
                [
                    None if report.month_state(month) == "future" else values.get(key, 0)
                    for month, values in months
                ],
            )
            for key, name, *_rest in series_keys
        ],
        decimals=first.decimals if first else 0,
        # The axis title names every unit the bars are in (回・人), each series its own.
        unit="・".join(dict.fromkeys(u for u in units if u)),
        series_units=units,
    )


def _facility_users(report) -> ChartData:
    return _monthly(
        report,
        gettext_lazy("Facility users by month"),
        [
            ("booking_headcount", gettext_lazy("Users of booked rooms"), "facility_users"),
            ("walk_in_visitors", BY_KEY["walk_in_visitors"].label),
        ],
    )


def _participants(report) -> ChartData:
    return _monthly(
        report,
        gettext_lazy("Event participants by month"),
        [
            ("exchange_participants", BY_KEY["exchange_participants"].label),
            ("event_participants", BY_KEY["event_participants"].label),
        ],
    )


def _page_views(report) -> ChartData:
    data = _monthly(
        report,
        gettext_lazy("Website page views and visitors by month"),
        [
            ("page_views", BY_KEY["page_views"].label),
            ("daily_visitors", BY_KEY["daily_visitors"].label),
        ],
    )
    return data


def _rooms(report) -> ChartData:
    rooms = report.rooms
    return ChartData(
        title=_("Utilisation by room"),
        x_title=report.fy.label,
        labels=[room["name"] for room in rooms],
        series=[
            (
                pgettext("report", "Utilisation (%)"),
                [room["utilisation_rate"] or 0 for room in rooms],
            )
        ],
        decimals=1,
        unit="%",
    )


def _consultations(report) -> ChartData:
    breakdown = next(
        (b for b in report.breakdowns if b.key == "consultations.category"),
        None,
    )
    rows = breakdown.rows if breakdown else []
    return ChartData(
        title=_("Consultations by category"),
        x_title=report.fy.label,
        labels=[label for _key, label, _value in rows],
        series=[(str(BY_KEY["consultations"].label), [value for _key, _label, value in rows])],
        unit=str(BY_KEY["consultations"].unit),
    )


def _groups_by_field(report) -> ChartData:
    rows = report.details.register_by_field
    return ChartData(
        title=_("Registered groups by activity field"),
        x_title=report.fy.label,
        labels=[row["name"] for row in rows],
        series=[
            (pgettext("report", "At year end"), [row["end"] for row in rows]),
            (pgettext("report", "New"), [row["new"] for row in rows]),
        ],
        unit=str(BY_KEY["registered_groups_end"].unit),
    )


def _use_by_field(report) -> ChartData:
    rows = report.details.by_field
    return ChartData(
        title=_("Facility use and event participants by activity field"),
        x_title=report.fy.label,
        labels=[row["name"] for row in rows],
        series=[
            (pgettext("report", "Users (headcount)"), [row.get("users", 0) for row in rows]),
            (
                pgettext("report", "Event participants"),
                [row.get("event_participants", 0) for row in rows],
            ),
        ],
        unit=str(BY_KEY["facility_users"].unit),
    )


YEAR_CHARTS: dict[str, Chart] = {
    chart.slug: chart
    for chart in (
        Chart(
            "facility-users",
            gettext_lazy("Facility users by month"),
            "stacked",
            _facility_users,
            sources=("facilities",),
        ),
        Chart(
            "participants",
            gettext_lazy("Event participants by month"),
            "bar",
            _participants,
            sources=("events",),
        ),
        Chart(
            "page-views",
            gettext_lazy("Website page views and visitors by month"),
            "bar",
            _page_views,
            sources=("website",),
        ),
        Chart(
            "rooms",
            gettext_lazy("Utilisation by room"),
            "hbar",
            _rooms,
            sources=("facilities",),
        ),
        Chart(
            "consultations",
            gettext_lazy("Consultations by category"),
            "hbar",
            _consultations,
            sources=("consultations",),
        ),
        Chart(
            "groups-by-field",
            gettext_lazy("Registered groups by activity field"),
            "hbar",
            _groups_by_field,
            sources=("groups",),
        ),
        Chart(
            "use-by-field",
            gettext_lazy("Facility use and event participants by activity field"),
            "hbar",
            _use_by_field,
            sources=("facilities",),
        ),
    )
}


# --- Every year (TrendReport): one chart per headline KPI


def year_label(year: int, current_year: int) -> str:
    """The label of a fiscal year in every chart, table and file: "令和7年度 (2025年度)", the
    running year marked "年度途中"."""
    label = FiscalYear(year).label
    if year == current_year:
        label = _("%(label)s, in progress") % {"label": label}
    return label


def _trend_label(report, kpi, year: int) -> str:
    """The year's label, marked 「手入力」 when its figure was entered by hand."""
    label = year_label(year, report.current_year)
    if report.manual_value(kpi, year) is not None:
        label = f"{label} ({MARKER})"
    return label


def _trend_builder(key: str) -> Callable:
    kpi = BY_KEY[key]

    def build(report) -> ChartData:
        points = report.series(kpi)
        return ChartData(
            title=str(kpi.label),
            x_title=pgettext("report", "Fiscal year"),
            labels=[_trend_label(report, kpi, year) for year, _v in points],
            series=[(str(kpi.label), [value for _year, value in points])],
            decimals=kpi.decimals,
            unit=str(kpi.unit),
            show_x_title=False,
        )

    return build


TREND_CHARTS: dict[str, Chart] = {
    kpi.key.replace("_", "-"): Chart(
        kpi.key.replace("_", "-"), kpi.label, "bar", _trend_builder(kpi.key)
    )
    # The website's visitors beside its page views (issue #17 part 6).
    for kpi in (*HEADLINE_KPIS, BY_KEY["daily_visitors"])
}


def trend_chart_kpi(chart: Chart):
    return BY_KEY[chart.slug.replace("-", "_")]
