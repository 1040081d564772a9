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
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.fiscal import FiscalYear
from core.pygal_compat import Style, halo_values, pygal
from reports.kpis.definitions import BY_KEY, HEADLINE_KPIS, format_value
from reports.manual import MARKER

# The charts' look, and their text sizes for the width they are drawn at.
_LOOK = {
    "font_family": '"Noto Sans JP", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, '
    "sans-serif",
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#1a1a1a",
    "foreground_strong": "#1a1a1a",
    "foreground_subtle": "#6b6b6b",
    "opacity": "1",
    "opacity_hover": "0.85",
    "colors": ("#1d5e3a", "#0b4f8a", "#8a5a00", "#a4161a", "#5b3a8a", "#2f6f73"),
}

STYLE = Style(
    **_LOOK,
    title_font_size=24,
    label_font_size=17,
    major_label_font_size=17,
    # Drawn 800 px wide and shown about 540 px wide beside another on a desk: 17 reads at 11.5.
    value_font_size=17,
    value_label_font_size=17,
    legend_font_size=18,
    tooltip_font_size=15,
)


# A phone's chart (``?size=narrow``, chosen by the page's <picture> below 600 px): drawn for its
# width, about 340-360 CSS px there, so its text reads at 12 px or more instead of the 7 px an
# 800-px chart shrinks to.
NARROW_WIDTH = 400
NARROW_STYLE = Style(
    **_LOOK,
    title_font_size=16,
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    value_label_font_size=14,
    legend_font_size=14,
    tooltip_font_size=14,
)
# A category's name on a phone's horizontal bars: at most this wide (px); a longer one keeps its
# start and its end (「コワーキン…スペースA」), the full name being in the chart's figures table.
NARROW_CATEGORY_WIDTH = 160


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
    # Drawn for a phone (NARROW_WIDTH): bigger text for its size, the short labels, fewer ticks.
    narrow: bool = False
    # The labels a phone's chart shows (「4」 for 「2025年4月」, 「2025年度」); None: ``labels``.
    short_labels: list[str] | None = None
    # The axis title under the short labels (「令和7年度 (2025年度)・月」); None: ``x_title``.
    short_x_title: str | None = None

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
    def style(self) -> Style:
        return NARROW_STYLE if self.narrow else STYLE

    @property
    def axis_labels(self) -> list[str]:
        """The category labels drawn: a phone's chart has the short ones, and its horizontal
        bars' names are cut to NARROW_CATEGORY_WIDTH (start and end kept)."""
        if not self.narrow:
            return self.labels
        labels = self.short_labels or self.labels
        if self.kind == "hbar":
            font = self.style.label_font_size
            return [_shorten(label, NARROW_CATEGORY_WIDTH, font) for label in labels]
        return labels

    @property
    def width(self) -> int:
        return NARROW_WIDTH if self.narrow else 800

    @property
    def height(self) -> int:
        if self.kind == "hbar":
            return max(300, 90 + 40 * len(self.labels))
        return (340 if self.narrow else 400) + int(self.label_drop)

    @property
    def narrow_size(self) -> tuple[int, int]:
        """(width, height) of the same chart drawn for a phone: the <picture>'s <source>."""
        narrow = replace(self, narrow=True)
        return narrow.width, narrow.height

    @property
    def _slot(self) -> float:
        """Roughly the width of one category along the x axis (the plot less the y axis)."""
        return (self.width - (90 if self.narrow else 140)) / max(len(self.labels), 1)

    @property
    def rotation(self) -> int:
        """Labels lie flat when the widest fits its bar's slot, else slant (40°) when slanted
        ones keep a line and a fifth apart across the slot, else stand upright: the full year
        labels (「令和2年度 (2020年度)」, one style everywhere) never print on top of each other."""
        if self.kind == "hbar" or not self.labels:
            return 0
        font = self.style.label_font_size
        slot = self._slot * self.label_every
        widest = max(_label_width(label, font) for label in self.axis_labels)
        if widest <= slot * 0.9:
            return 0
        if slot * math.sin(math.radians(40)) >= font * 1.2:
            return 40
        return 90

    @property
    def prints_values(self) -> bool:
        """Each bar's figure written on it: one series of at most eight bars, and on a phone
        only where the widest figure fits its bar's slot."""
        if len(self.labels) > 8 or len(self.series) != 1:
            return False
        if not self.narrow or self.kind == "hbar":
            return True
        font = self.style.value_font_size
        widest = max(
            (_label_width(format_value(v, self.decimals), font) for v in self.series[0][1]),
            default=0,
        )
        return widest <= self._slot * 0.9

    @property
    def label_every(self) -> int:
        """Every how many categories a label is drawn: 1, unless even upright labels (a line
        and a fifth apart) would touch, as twenty years on a phone's chart would."""
        if self.kind == "hbar" or not self.labels:
            return 1
        return max(1, math.ceil(self.style.label_font_size * 1.2 / self._slot))

    @property
    def label_extra(self) -> float:
        return _wide_extra(self.axis_labels, self.style.label_font_size)

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

    def render(self, report, *, narrow: bool = False) -> bytes:
        data = self.data(report)
        data.narrow = narrow
        return render_svg(data)


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
    return sum(_char_width(ch, font_size) for ch in str(label))


def _char_width(ch: str, font_size: int) -> float:
    return font_size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * font_size


def _shorten(label: str, width: float, font_size: int) -> str:
    """``label`` cut to ``width`` px, its start and its end kept around 「…」: two rooms named
    「…スペースA」 and 「…スペースB」 stay apart."""
    label = str(label)
    if _label_width(label, font_size) <= width:
        return label
    room = width - font_size  # the 「…」
    head, tail = "", ""
    start, end = 0, len(label)
    # Take characters from both ends in turn, a little more from the start, while they fit.
    while start < end:
        take_head = _label_width(head, font_size) <= 1.5 * _label_width(tail, font_size)
        ch = label[start] if take_head else label[end - 1]
        if _label_width(head + tail, font_size) + _char_width(ch, font_size) > room:
            break
        if take_head:
            head, start = head + ch, start + 1
        else:
            tail, end = ch + tail, end - 1
    return f"{head}…{tail}"


def render_svg(data: ChartData) -> bytes:
    chart_class = {
        "bar": pygal.Bar,
        "stacked": pygal.StackedBar,
        "hbar": pygal.HorizontalBar,
    }[data.kind]
    horizontal = data.kind == "hbar"
    rotation = data.rotation
    margin = 10 if data.narrow else 16
    margins = {"margin": margin}
    if horizontal:
        margins["margin_left"] = margin + data.label_extra
    elif rotation:
        margins["margin_bottom"] = margin + data.label_drop
    labels = data.axis_labels
    thinned = {}
    if data.label_every > 1:
        # The first category and every few after it are labelled (a phone's twenty years).
        thinned = {"x_labels_major": labels[:: data.label_every], "show_minor_x_labels": False}
    x_title = data.x_title if data.show_x_title else None
    y_title = data.unit
    if data.narrow and data.short_x_title:
        x_title = data.short_x_title  # what the short labels are
    elif data.narrow and horizontal:
        # A phone's horizontal bars: the unit under the values' axis, the names' side all for
        # the names (the year is the page's).
        x_title, y_title = data.unit, None
    chart = chart_class(
        style=data.style,
        width=data.width,
        height=data.height,
        js=[],
        show_legend=len(data.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=_legend_columns(data),
        x_title=x_title,
        y_title=y_title,
        x_label_rotation=rotation,
        print_values=data.prints_values,
        value_formatter=lambda v: format_value(v, data.decimals),
        no_data_text=pgettext("report", "No data"),
        include_x_axis=True,
        min_scale=2,
        # At most about six ticks: numbers such as 「1,000」 stay apart also at a phone's width
        # (four along a phone's horizontal bars, where they stand side by side).
        max_scale=4 if data.narrow and horizontal else 6,
        truncate_label=-1,
        truncate_legend=-1,
        **margins,
        **thinned,
    )
    chart.add_xml_filter(_strip_scripts)
    chart.add_xml_filter(halo_values)
    chart.title = data.title
    chart.x_labels = labels
    for name, values in data.series:
        chart.add(name, [float(v) if isinstance(v, Decimal) else v for v in values])
    return chart.render()


def _legend_columns(data: ChartData) -> int:
    """The legend's columns under the chart: up to three, fewer when the names would not fit
    side by side (a phone's chart often has room for one a line)."""
    columns = min(len(data.series), 3) or 1
    font = data.style.legend_font_size
    widest = max((_label_width(name, font) for name in data.series_names), default=0)
    # The legend runs under the plot only: beside the names of horizontal bars, less is left.
    room = data.width - 40 - (_names_width(data) if data.kind == "hbar" else 40)
    # Each entry: its colour box and a gap (about 1.5 em) before the name.
    while columns > 1 and columns * (widest + 1.5 * font) > room:
        columns -= 1
    return columns


def _names_width(data: ChartData) -> float:
    """About how wide the names of horizontal bars are drawn (pygal's 0.6 em a character)."""
    font = data.style.label_font_size
    widest = max((len(str(label)) * 0.6 * font for label in data.axis_labels), default=0)
    return widest + data.label_extra


def _month_label(month) -> str:
    return _("%(month)s/%(year)s") % {"month": month.month, "year": month.year}


def _short_month_label(month) -> str:
    """The month's number alone, for a phone's chart: twelve of them lie flat under the bars
    (the axis title says they are the months of the fiscal year)."""
    return str(month.month)


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
        short_labels=[_short_month_label(month) for month, _values in months],
        short_x_title=pgettext("chart", "%(year)s, month") % {"year": report.fy.label},
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


def _short_trend_labels(report, kpi, years: list[int]) -> tuple[list[str], str]:
    """A phone's chart of every year: the years' numbers (「2025」; 「2006*」 entered by hand),
    and the axis title that says what they are (「年度（2026年度は年度途中、*は手入力）」)."""
    by_hand = {year for year in years if report.manual_value(kpi, year) is not None}
    labels = [f"{year}*" if year in by_hand else str(year) for year in years]
    notes = []
    if report.current_year in years:
        notes.append(pgettext("chart", "FY%(year)s in progress") % {"year": report.current_year})
    if by_hand:
        notes.append(pgettext("chart", "* entered by hand"))
    title = pgettext("report", "Fiscal year")
    if notes:
        title = pgettext("chart", "%(title)s (%(notes)s)") % {
            "title": title,
            "notes": pgettext("chart", ", ").join(notes),
        }
    return labels, title


def _trend_builder(key: str) -> Callable:
    kpi = BY_KEY[key]

    def build(report) -> ChartData:
        points = report.series(kpi)
        data = ChartData(
            title=str(kpi.label),
            x_title=pgettext("report", "Fiscal year"),
            labels=[_trend_label(report, kpi, year) for year, _v in points],
            series=[(str(kpi.label), [value for _year, value in points])],
            decimals=kpi.decimals,
            unit=str(kpi.unit),
            show_x_title=False,
        )
        data.short_labels, data.short_x_title = _short_trend_labels(
            report, kpi, [year for year, _v in points]
        )
        return data

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
