"""The annual reports as objects: each owns its period, gathers the KPI sources' figures and
offers them to the page, the charts, the CSV file and the Excel workbook.

- ``YearReport(year)``: one fiscal year with the year before it for comparison, targets and
  achievement, progress against a pro-rata target in the current year, the month-by-month table,
  per-room utilisation and the breakdowns (consultations by channel and category, ...).
- ``TrendReport()``: every fiscal year from the first with data to the current one, side by side,
  with year-on-year changes and the seed's "first year → latest year" summary lines.

Both do a fixed number of queries whatever the amount of data or the number of years.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.fiscal import FiscalYear
from reports import kpis
from reports.exports import report_csv, report_xlsx, trend_csv
from reports.kpis.definitions import (
    FLOW,
    KPIS,
    STOCK,
    TREND_KPIS,
    Kpi,
    format_change,
    format_change_pct,
    format_value,
)
from reports.models import FIRST_REPORT_YEAR, KpiTarget

ONE_DECIMAL = Decimal("0.1")


def _ratio(part, whole) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal (None when it cannot be computed)."""
    if part is None or not whole:
        return None
    return (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(
        ONE_DECIMAL, rounding=ROUND_HALF_UP
    )


def report_today() -> dt.date:
    """Today in Asia/Tokyo: what "to date" and "the current year" mean in the reports."""
    return timezone.localdate()


def report_year_or_404(year: int, today: dt.date | None = None) -> FiscalYear:
    """The fiscal year a URL names, or 404 when it is far outside the office's history."""
    current = FiscalYear.of(today or report_today()).year
    if not FIRST_REPORT_YEAR <= year <= current + 1:
        raise Http404("No report for this fiscal year.")
    return FiscalYear(year)


def value_with_unit(kpi: Kpi, value) -> str:
    return _("%(value)s %(unit)s") % {
        "value": format_value(value, kpi.decimals),
        "unit": kpi.unit,
    }


@dataclass
class Figure:
    """One KPI in one year: actual, the year before, target, achievement and progress."""

    kpi: Kpi
    value: int | Decimal | None
    previous: int | Decimal | None = None
    target: Decimal | None = None
    # Share of the year gone (1 for a finished year): the pro-rata target is target × fraction.
    fraction: Decimal = Decimal(1)
    in_progress: bool = False

    @property
    def key(self) -> str:
        return self.kpi.key

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        return _ratio(self.change, self.previous)

    @property
    def achievement(self) -> Decimal | None:
        """実績 ÷ 目標 for the whole year."""
        return _ratio(self.value, self.target)

    @property
    def prorata_target(self) -> Decimal | None:
        """The part of the target due by today: target × share of the year gone (flows only;
        a year-end level or a rate is compared with its target as it stands)."""
        if self.target is None:
            return None
        if self.kpi.kind != FLOW:
            return self.target
        return (self.target * self.fraction).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def progress(self) -> Decimal | None:
        return _ratio(self.value, self.prorata_target)


@dataclass
class Breakdown:
    key: str  # e.g. "consultations.channel"
    title: str
    rows: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, value)

    @property
    def total(self) -> int:
        return sum(value for _key, _label, value in self.rows)


BREAKDOWN_TITLES = {
    "consultations.channel": gettext_lazy("Consultations by channel"),
    "consultations.category": gettext_lazy("Consultations by category"),
    "bulletin_posts.category": gettext_lazy("Bulletin board posts by category"),
    "page_views.section": gettext_lazy("Page views by section of the site"),
}


def _breakdowns(values: dict, labels: dict) -> list[Breakdown]:
    result = []
    for prefix, title in BREAKDOWN_TITLES.items():
        choices = labels.get(prefix, {})
        found = {
            key[len(prefix) + 1 :]: value
            for key, value in values.items()
            if key.startswith(prefix + ".")
        }
        names = list(choices) + sorted(set(found) - set(choices))
        if not names:
            continue
        rows = [
            (f"{prefix}.{name}", str(choices.get(name, name)), found.get(name, 0)) for name in names
        ]
        result.append(Breakdown(prefix, str(title), rows))
    return result


class YearReport:
    """One fiscal year's report (``year`` = the calendar year in which it starts)."""

    def __init__(
        self,
        year: int,
        *,
        today: dt.date | None = None,
        sources: tuple[str, ...] = kpis.SOURCES,
    ):
        self.fy = FiscalYear(year)
        self.today = today or report_today()
        self.current_year = FiscalYear.of(self.today).year
        # The KPI sources to read: all of them, or a chart's own few.
        self.sources = tuple(sources)

    # --- Period

    @property
    def year(self) -> int:
        return self.fy.year

    @property
    def is_current(self) -> bool:
        return self.year == self.current_year

    @property
    def is_future(self) -> bool:
        return self.year > self.current_year

    @property
    def days_in_year(self) -> int:
        return (self.fy.last_day - self.fy.first_day).days + 1

    @property
    def days_elapsed(self) -> int:
        if self.is_future:
            return 0
        if not self.is_current:
            return self.days_in_year
        return (self.today - self.fy.first_day).days + 1

    @property
    def fraction(self) -> Decimal:
        return Decimal(self.days_elapsed) / Decimal(self.days_in_year)

    @property
    def previous_fy(self) -> FiscalYear:
        return FiscalYear(self.year - 1)

    @property
    def next_year(self) -> int | None:
        return self.year + 1 if self.year + 1 <= self.current_year + 1 else None

    @property
    def previous_year(self) -> int | None:
        return self.year - 1 if self.year - 1 >= FIRST_REPORT_YEAR else None

    # --- Data (each computed once, on first use)

    @cached_property
    def _data(self) -> dict:
        """The year's figures, gathered once and kept in one cache entry: for ten minutes once
        the year is over, for a minute while it runs (``reports.kpis.cache_seconds``)."""
        with_rooms = "facilities" in self.sources

        def compute() -> dict:
            return {
                # Names this gathering of the figures: the page kept with it (``page_key``).
                "stamp": uuid.uuid4().hex,
                "yearly": kpis.yearly(first=self.year - 1, last=self.year, sources=self.sources),
                "months": kpis.monthly(self.fy, sources=self.sources),
                "rooms": kpis.rooms(self.fy) if with_rooms else [],
                "previous_rooms": kpis.rooms(self.previous_fy) if with_rooms else [],
            }

        return kpis.remember(
            f"year:{self.year}:{','.join(self.sources)}:{self.current_year}",
            compute,
            kpis.cache_seconds(self.year, self.today),
        )

    @property
    def page_key(self) -> str:
        """What the year's page shows, in a word: these figures (a new gathering, a new key)
        and the targets as they are now. The rendered page is kept under it, so it is never
        older than the figures in it, and an edited target shows at once."""
        targets = ",".join(f"{k}={v}" for k, v in sorted(self.targets.items()))
        return f"{self.year}:{self.current_year}:{self._data['stamp']}:{targets}"

    @property
    def keep_seconds(self) -> int:
        return kpis.cache_seconds(self.year, self.today)

    @cached_property
    def values(self) -> dict:
        values = dict(self._data["yearly"][self.year])
        if "facilities" in self.sources:
            values.update(kpis.source("facilities").utilisation(self.rooms))
        return values

    @cached_property
    def previous_values(self) -> dict:
        values = dict(self._data["yearly"][self.year - 1])
        if "facilities" in self.sources:
            values.update(kpis.source("facilities").utilisation(self._data["previous_rooms"]))
        return values

    @cached_property
    def targets(self) -> dict[str, Decimal]:
        return dict(KpiTarget.objects.filter(fiscal_year=self.year).values_list("key", "target"))

    @property
    def rooms(self) -> list[dict]:
        return self._data["rooms"]

    @cached_property
    def months(self) -> list[tuple[dt.date, dict]]:
        return sorted(self._data["months"].items())

    @cached_property
    def figures(self) -> list[Figure]:
        result = []
        for kpi in KPIS:
            result.append(
                Figure(
                    kpi=kpi,
                    value=self.values.get(kpi.key),
                    previous=self.previous_values.get(kpi.key),
                    target=self.targets.get(kpi.key),
                    fraction=self.fraction,
                    in_progress=self.is_current,
                )
            )
        return result

    @property
    def figures_with_targets(self) -> list[Figure]:
        return [f for f in self.figures if f.target is not None]

    @cached_property
    def breakdowns(self) -> list[Breakdown]:
        return _breakdowns(self.values, kpis.breakdown_labels(self.sources))

    @property
    def monthly_kpis(self) -> list[Kpi]:
        return [kpi for kpi in KPIS if kpi.key != "utilisation_rate"]

    @property
    def monthly_rows(self) -> list[dict]:
        """One row per KPI: the twelve monthly values and the year's figure."""
        return [
            {
                "kpi": kpi,
                "months": [values.get(kpi.key, 0) for _month, values in self.months],
                "total": self.values.get(kpi.key),
            }
            for kpi in self.monthly_kpis
        ]

    # --- Output formats

    def rows(self) -> list[tuple[str, str, object]]:
        """(key, label, value) for every KPI, breakdown and room: the CSV and the workbook."""
        rows = [(kpi.key, str(kpi.label), self.values.get(kpi.key)) for kpi in KPIS]
        for breakdown in self.breakdowns:
            rows += [
                (key, f"{breakdown.title}: {label}", value) for key, label, value in breakdown.rows
            ]
        for room in self.rooms:
            slug = room["slug"]
            rows += [
                (
                    f"booked_hours.room.{slug}",
                    _("Booked hours: %(room)s") % {"room": room["name"]},
                    room["booked_hours"],
                ),
                (
                    f"utilisation_rate.room.{slug}",
                    _("Room utilisation: %(room)s") % {"room": room["name"]},
                    room["utilisation_rate"],
                ),
            ]
        return rows

    @property
    def filename(self) -> str:
        return f"kyodo-office-report-{self.year}"

    def as_csv(self) -> str:
        return report_csv(self)

    def as_xlsx(self) -> bytes:
        return report_xlsx(self)


@dataclass
class TrendCell:
    year: int
    # None: a year before the KPI's first data (shown as "—", an empty cell in the CSV).
    value: int | Decimal | None
    previous: int | Decimal | None
    decimals: int = 0
    # False for the table's first column, which has no year before it to compare with.
    has_year_before: bool = True

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        return _ratio(self.change, self.previous)

    @cached_property
    def value_text(self) -> str:
        return format_value(self.value, self.decimals)

    @cached_property
    def change_text(self) -> str:
        """ "+8 (+33.3%)" against the year before; "—" when either year has no figure (the
        first year with data is no increase from nothing); "" in the table's first column."""
        if not self.has_year_before:
            return ""
        if self.change is None:
            return "—"
        text = format_change(self.change, self.decimals)
        if self.change_pct is not None:
            text += f" ({format_change_pct(self.change_pct)})"
        return text


@dataclass
class TrendRow:
    kpi: Kpi
    cells: list[TrendCell]


@dataclass
class Summary:
    """The seed's "first year → latest year" line for one KPI."""

    kpi: Kpi
    first_year: int
    first_value: int | Decimal
    last_year: int
    last_value: int | Decimal

    @property
    def change(self):
        return self.last_value - self.first_value

    def _period(self, year: int) -> str:
        fy = FiscalYear(year)
        params = {"year": year, "era": fy.japanese_label}
        if self.kpi.kind == STOCK:
            return _("end of FY%(year)s (%(era)s)") % params
        return _("FY%(year)s (%(era)s)") % params

    @property
    def text(self) -> str:
        """ "令和元年度末 59団体 → 令和6年度末 203団体（144団体増加）"."""
        first = f"{self._period(self.first_year)} {value_with_unit(self.kpi, self.first_value)}"
        last = f"{self._period(self.last_year)} {value_with_unit(self.kpi, self.last_value)}"
        change = value_with_unit(self.kpi, abs(self.change))
        if self.change > 0:
            template = _("%(first)s → %(last)s (up %(change)s)")
        elif self.change < 0:
            template = _("%(first)s → %(last)s (down %(change)s)")
        else:
            template = _("%(first)s → %(last)s (no change)")
        return template % {"first": first, "last": last, "change": change}


class TrendReport:
    """Every fiscal year side by side, from the first year with data to the current one."""

    def __init__(
        self,
        *,
        today: dt.date | None = None,
        kpi_list: tuple[Kpi, ...] = TREND_KPIS,
    ):
        self.today = today or report_today()
        self.current_year = FiscalYear.of(self.today).year
        self.kpis = kpi_list

    @cached_property
    def _gathered(self) -> tuple[dict[int, dict], dict[str, int | None]]:
        return kpis.yearly_since_the_data(
            last=self.current_year,
            sources=kpis.sources_of(kpi.key for kpi in self.kpis),
            cached=True,
            today=self.today,
        )

    @property
    def values(self) -> dict[int, dict]:
        values = self._gathered[0]
        return {fy: figures for fy, figures in values.items() if fy >= FIRST_REPORT_YEAR}

    @property
    def first_years(self) -> dict[str, int | None]:
        """Each KPI family's first fiscal year with data (by the source that computes it)."""
        return self._gathered[1]

    def value(self, kpi: Kpi, year: int) -> int | Decimal | None:
        """The KPI's figure in ``year``; None before its first data (never a 0 from nothing)."""
        first = self.first_years.get(kpi.source)
        if first is None or year < first:
            return None
        return self.values[year].get(kpi.key, 0)

    @property
    def years(self) -> list[int]:
        return sorted(self.values)

    @property
    def fiscal_years(self) -> list[FiscalYear]:
        return [FiscalYear(year) for year in self.years]

    @cached_property
    def rows(self) -> list[TrendRow]:
        rows = []
        for kpi in self.kpis:
            cells, previous = [], None
            for n, year in enumerate(self.years):
                value = self.value(kpi, year)
                cells.append(TrendCell(year, value, previous, kpi.decimals, has_year_before=n > 0))
                previous = value
            rows.append(TrendRow(kpi, cells))
        return rows

    def series(self, kpi: Kpi) -> list[tuple[int, int | Decimal]]:
        """(year, value) from the first year the KPI is not zero (for its chart)."""
        points = [(year, self.value(kpi, year)) for year in self.years]
        while points and not points[0][1]:
            points.pop(0)
        return points

    def as_csv(self) -> str:
        return trend_csv(self)

    @cached_property
    def summaries(self) -> list[Summary]:
        """First year with a figure → the latest finished year, for the headline KPIs (the
        current year is still running and is left out)."""
        result = []
        for kpi in self.kpis:
            if not kpi.headline:
                continue
            points = [(y, v) for y, v in self.series(kpi) if y < self.current_year]
            if len(points) < 2:
                continue
            (first_year, first_value), (last_year, last_value) = points[0], points[-1]
            result.append(Summary(kpi, first_year, first_value, last_year, last_value))
        return result
