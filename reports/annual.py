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

import contextlib
import datetime as dt
import uuid
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import CharField, Value
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.fiscal import TOKYO, FiscalYear
from core.kpis import MonthReading, reading_months
from reports import kpis, manual
from reports.breakdowns import YearBreakdowns
from reports.exports import report_csv, report_xlsx, trend_csv
from reports.kpis.definitions import (
    BY_KEY,
    FLOW,
    KPIS,
    RATE,
    STOCK,
    TREND_KPIS,
    Kpi,
    format_change,
    format_change_pct,
    format_value,
    with_unit,
)
from reports.models import FIRST_REPORT_YEAR, KpiTarget, ManualFigure

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


def same_day_a_year_before(day: dt.date) -> dt.date:
    """The same date a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def to_date_value(kpi: Kpi, figures: dict):
    """The KPI in a to-date answer (``kpis.to_date``); None for rates (they need the whole
    year's opening hours and are compared only once the year is over)."""
    if kpi.kind == RATE:
        return None
    return figures.get(kpi.key)


def same_period_text(fy: FiscalYear, day: dt.date) -> str:
    """ "2025年4月1日〜2025年12月6日": from the year's first day to ``day``."""
    return _("%(first)s to %(last)s") % {
        "first": date_format(fy.first_day, "DATE_FORMAT"),
        "last": date_format(day, "DATE_FORMAT"),
    }


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
    # The running year: this year's figure from 1 April to today, and ``previous`` the figure
    # from 1 April to the same date a year earlier (what its change is computed from, never the
    # whole year).
    same_period: int | Decimal | None = None
    # The figure entered by hand (手入力, reports.manual) that ``value`` shows, for a year the
    # portal has no figure of its own; and the year before's, that ``previous`` shows.
    manual: manual.ManualValue | None = None
    previous_manual: manual.ManualValue | None = None

    @property
    def key(self) -> str:
        return self.kpi.key

    @property
    def change(self):
        value = self.same_period if self.in_progress else self.value
        if value is None or self.previous is None:
            return None
        return value - self.previous

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

    @property
    def kpi(self) -> Kpi:
        """The KPI it breaks down (「相談件数」 by channel): its figures' name and unit."""
        return BY_KEY[self.key.split(".")[0]]

    @property
    def column(self) -> str:
        """The figures' column heading, with their unit: 「相談件数（件）」."""
        return with_unit(self.kpi.label, self.kpi.unit)


BREAKDOWN_TITLES = {
    "consultations.channel": gettext_lazy("Consultations by channel"),
    "consultations.category": gettext_lazy("Consultations by category"),
    "bulletin_posts.category": gettext_lazy("Bulletin board posts by category"),
    "page_views.section": gettext_lazy("Page views by section of the site"),
    "proposals_received.kind": gettext_lazy("Joint-project proposals by kind"),
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
    def caption_period(self) -> str:
        """The year a table covers, for its caption (far from the page's heading on a phone):
        「令和8年度 (2026年度)」, the running year 「令和8年度 (2026年度)・12月8日現在」."""
        if not self.is_current:
            return self.fy.label
        return _("%(label)s, as of %(date)s") % {
            "label": self.fy.label,
            "date": date_format(self.today, "MONTH_DAY_FORMAT"),
        }

    @property
    def previous_fy(self) -> FiscalYear:
        return FiscalYear(self.year - 1)

    @property
    def next_year(self) -> int | None:
        """The next year to link to: none after the running year (a year not begun has no
        results; its address still answers, for targets and bookings already made)."""
        return self.year + 1 if self.year + 1 <= self.current_year else None

    @property
    def next_fy(self) -> FiscalYear:
        return FiscalYear(self.year + 1)

    @property
    def previous_year(self) -> int | None:
        """The year before, to link to while it has figures of some source or figures entered
        by hand: no link leads to the pages of nothing before the portal's first data (they
        still answer, as the all-years page links a year with figures entered by hand)."""
        if self.year - 1 < FIRST_REPORT_YEAR:
            return None
        # A year before them with figures entered by hand (手入力) has a page worth a link.
        if any(year == self.year - 1 for _key, year in self.manual):
            return self.year - 1
        first = min((y for y in self._data["first_years"].values() if y is not None), default=None)
        if first is None or self.year - 1 < max(first, FIRST_REPORT_YEAR):
            return None
        return self.year - 1

    # --- Data (each computed once, on first use)

    @cached_property
    def _data(self) -> dict:
        """The year's figures, gathered once and kept in one cache entry: for ten minutes once
        the year is over, for a minute while it runs (``reports.kpis.cache_seconds``)."""
        with_rooms = "facilities" in self.sources

        def compute() -> dict:
            # The year and the one before, with each source's first year with data: a year
            # before a source's first data has no figures for its KPIs (「—」, never 0).
            with self._reading():
                return gather()

        def gather() -> dict:
            yearly, first_years = kpis.two_years(year=self.year, sources=self.sources)
            return {
                # Names this gathering of the figures: the page kept with it (``page_key``).
                "stamp": uuid.uuid4().hex,
                "yearly": yearly,
                "first_years": first_years,
                "months": kpis.monthly(self.fy, sources=self.sources),
                "rooms": kpis.rooms(self.fy) if with_rooms else [],
                # The year before's rooms give its utilisation, compared with a finished year's
                # only: the running year's rate is not compared (``to_date_value``).
                "previous_rooms": (
                    kpis.rooms(self.previous_fy) if with_rooms and not self.is_current else []
                ),
            }

        return kpis.remember(
            f"year2:{self.year}:{','.join(self.sources)}:{self.current_year}",
            compute,
            kpis.cache_seconds(self.year, self.today),
            keep=kpis.keep_seconds(self.year, self.today),
        )

    @cached_property
    def _cut(self) -> dt.datetime | None:
        """The first instant after the compared day (the year before's same date), when the
        running year is compared with the year before to the day (core.kpis.cutoff_instant)."""
        if not self.is_current:
            return None
        day = same_day_a_year_before(self.today) + dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(), TOKYO)

    @cached_property
    def _facility_rows(self):
        """The two years' bookings, read once for the year's figures, months, rooms and the
        year before to the same day (``facilities.kpis.Reading``, issue #20)."""
        return kpis.source("facilities").Reading(self.year - 1, self.year, cut=self._cut)

    @cached_property
    def _months(self) -> MonthReading:
        """The two years' events, consultations and page views, each read once by month for
        the years, the months and the year before to the same day (issue #20)."""
        return MonthReading(self.year - 1, self.year, cut=self._cut)

    @cached_property
    def _register(self):
        """The register, read once for the year's figures, months, the year before to the
        same day and the breakdowns by field and area (``groups.kpis.Register``, issue #20)."""
        return kpis.source("groups").Register()

    @contextlib.contextmanager
    def _reading(self):
        if "facilities" in self.sources:
            # The two years' bookings, the dearest statement, read aside while the other
            # sources' figures are gathered (issue #20; nothing if they are read already).
            self._facility_rows.read_aside()
        with (
            kpis.source("facilities").reading(self._facility_rows),
            kpis.source("groups").reading(self._register),
            reading_months(self._months),
        ):
            yield

    @property
    def page_key(self) -> str:
        """What the year's page shows, in a word: these figures (a new gathering, a new key)
        and the targets as they are now. The rendered page is kept with it (``kept_page``), so
        it is never older than the figures in it, and an edited target shows at the next
        request (requests arriving while that one builds the page get the previous one)."""
        targets = ",".join(f"{k}={v}" for k, v in sorted(self.targets.items()))
        by_hand = ",".join(
            f"{k}@{y}={v.value}/{v.source}" for (k, y), v in sorted(self.manual.items())
        )
        return f"{self.year}:{self.current_year}:{self._data['stamp']}:{targets}:{by_hand}"

    def kept_page(self, key: str, render) -> str:
        """The page built by ``render()`` from these figures, kept with them: under one key per
        year and ``key`` (the language), as long as the figures; a page of other figures or
        targets (``page_key``) is past its time and one request builds it anew while the others
        still get the previous one (``kpis.remember``). Kept compressed: the page of a year
        with thousands of active groups is near 2 MB, a twentieth of that compressed, and
        reading it whole from the cache table was most of a kept page's time."""
        if kpis.cache_seconds(self.year, self.today) <= 0:
            return render()
        # Fresh for as long as it is kept: the page changes only with its figures and targets
        # (its version), so a request that gets the previous figures while another gathers new
        # ones gets the previous page too, never renders it again (issue #20).
        keep = kpis.keep_seconds(self.year, self.today)
        packed = kpis.remember(
            f"year-page:{self.year}:{self.current_year}:{key}",
            lambda: zlib.compress(render().encode(), 1),
            keep,
            keep=keep,
            version=self.page_key,
        )
        return mark_safe(zlib.decompress(packed).decode())  # the template's own output

    def has_data(self, kpi: Kpi, year: int | None = None) -> bool:
        """Whether ``kpi``'s source had any data by ``year`` (this report's year by default)."""
        first = self._data["first_years"].get(kpi.source)
        return first is not None and (year or self.year) >= first

    def _values(self, year: int, rooms: list[dict]) -> dict:
        values = dict(self._data["yearly"][year])
        if "facilities" in self.sources:
            values.update(kpis.source("facilities").utilisation(rooms))
        for kpi in KPIS:
            if kpi.source in self.sources and not self.has_data(kpi, year):
                values[kpi.key] = None
        return values

    @cached_property
    def values(self) -> dict:
        return self._values(self.year, self.rooms)

    @cached_property
    def previous_values(self) -> dict:
        return self._values(self.year - 1, self._data["previous_rooms"])

    # --- The running year against the same period of the year before, to the day

    @property
    def compared_day(self) -> dt.date | None:
        """The running year's last counted day (today); None for a finished year."""
        return self.today if self.is_current else None

    @property
    def same_period_label(self) -> str:
        """ "2025年4月1日〜2025年12月6日" (empty for a finished year)."""
        return same_period_text(self.fy, self.today) if self.is_current else ""

    @property
    def previous_same_period_label(self) -> str:
        if not self.is_current:
            return ""
        return same_period_text(self.previous_fy, same_day_a_year_before(self.today))

    def _same_period(self, kpi: Kpi, figures: dict, year: int):
        if not self.has_data(kpi, year):
            return None
        return to_date_value(kpi, figures)

    @cached_property
    def previous_to_date(self) -> dict:
        """The running year is compared with the year before from its 1 April to the same
        date (to the day): those figures, kept apart from the running year's (they change with
        the day, not with every booking); empty for a finished year."""
        if not self.is_current:
            return {}
        with self._reading():
            return kpis.kept_to_date(
                year=self.year - 1,
                day=same_day_a_year_before(self.today),
                sources=self.sources,
                today=self.today,
            )

    @cached_property
    def _entered(self) -> list[tuple]:
        """What staff entered: the year's targets, and the figures entered by hand (手入力) of
        the year and the year before, in one query (UNION ALL). Read on every request, as the
        kept page is versioned by them: an edit shows at once."""
        text = CharField()
        targets = (
            KpiTarget.objects.filter(fiscal_year=self.year)
            .order_by()
            .values_list(
                Value("target", output_field=text),
                "fiscal_year",
                "key",
                "target",
                Value("", output_field=text),
                Value("", output_field=text),
            )
        )
        by_hand = (
            ManualFigure.objects.filter(fiscal_year__in=[self.year - 1, self.year])
            .order_by()
            .values_list(
                Value("manual", output_field=text), "fiscal_year", "key", "value", "source", "note"
            )
        )
        return list(targets.union(by_hand, all=True))

    @cached_property
    def targets(self) -> dict[str, Decimal]:
        return {key: value for kind, _y, key, value, *_rest in self._entered if kind == "target"}

    @cached_property
    def manual(self) -> dict[tuple[str, int], manual.ManualValue]:
        """The figures entered by hand of this year and the year before, by (key, year)."""
        return {
            (key, year): manual.ManualValue(
                key=key, year=year, value=value, source=source, note=note
            )
            for kind, year, key, value, source, note in self._entered
            if kind == "manual" and key in BY_KEY
        }

    def manual_value(self, kpi: Kpi, year: int) -> manual.ManualValue | None:
        """The hand-entered figure of ``kpi`` in ``year`` (this year or the one before), when
        the portal has none of its own there: the computed figure stands (reports.manual)."""
        values = self.values if year == self.year else self.previous_values
        if values.get(kpi.key) is not None:
            return None
        return self.manual.get((kpi.key, year))

    @property
    def before_the_portal(self) -> bool:
        """A finished year before any of the portal's own records: its figures, if any, were
        entered by hand (the page says so once and shows those, not a page of 「—」)."""
        if self.is_current or self.is_future:
            return False
        return not any(self.has_data(kpi) for kpi in KPIS if kpi.source in self.sources)

    @property
    def figures_by_hand(self) -> list[Figure]:
        """The figures of the year that were entered by hand."""
        return [f for f in self.figures if f.manual is not None]

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
            # The portal's own figure, else one entered by hand (手入力), else None (「—」).
            by_hand = self.manual_value(kpi, self.year)
            before_by_hand = self.manual_value(kpi, self.year - 1)
            figure = Figure(
                kpi=kpi,
                value=by_hand.number if by_hand else self.values.get(kpi.key),
                previous=(
                    before_by_hand.number if before_by_hand else self.previous_values.get(kpi.key)
                ),
                target=self.targets.get(kpi.key),
                fraction=self.fraction,
                in_progress=self.is_current,
                manual=by_hand,
                previous_manual=before_by_hand,
            )
            if self.is_current:
                figure.same_period = self._same_period(kpi, self.values, self.year)
                # The year before to the same day: the portal's own only (a figure entered by
                # hand is a whole year's).
                figure.previous = self._same_period(kpi, self.previous_to_date, self.year - 1)
                figure.previous_manual = None
            result.append(figure)
        return result

    @property
    def figures_with_targets(self) -> list[Figure]:
        return [f for f in self.figures if f.target is not None]

    @cached_property
    def breakdowns(self) -> list[Breakdown]:
        return _breakdowns(self.values, kpis.breakdown_labels(self.sources))

    @cached_property
    def details(self) -> YearBreakdowns:
        """By activity field, area and group (``reports.breakdowns``)."""
        return YearBreakdowns(
            self.year, today=self.today, register=self._register, reading=self._reading
        )

    @property
    def monthly_kpis(self) -> list[Kpi]:
        return [kpi for kpi in KPIS if kpi.key != "utilisation_rate"]

    def month_state(self, month: dt.date) -> str:
        """ "past", "current" (the month of today: figures to date) or "future" (a month that
        has not begun: it has no results yet, whatever has been booked for it)."""
        this_month = self.today.replace(day=1)
        if month < this_month:
            return "past"
        return "current" if month == this_month else "future"

    @cached_property
    def month_columns(self) -> list[tuple[dt.date, str]]:
        """(first day of month, ``month_state``) for the month-by-month table's columns."""
        return [(month, self.month_state(month)) for month, _values in self.months]

    def total_label(self, kpi: Kpi | None = None) -> str:
        """The month-by-month table's last column: a flow's sum (年度計, to date in the
        running year) or a level's value (年度末, today's in the running year); without a
        KPI, the column's heading that covers both."""
        running = self.is_current or self.is_future
        if kpi is None:
            if running:
                return pgettext("report", "Total to date / now")
            return pgettext("report", "Year total / year end")
        if kpi.kind == STOCK:
            return pgettext("report", "Now") if running else pgettext("report", "Year end")
        return pgettext("report", "Total to date") if running else pgettext("report", "Year")

    @property
    def monthly_rows(self) -> list[dict]:
        """One row per KPI: the twelve monthly values (``cells`` with their month and its
        state) and the year's figure. A month that has not begun has no figure (「—」), not a
        0 nor today's level, and not the bookings already made for it: the table is results."""
        columns = self.month_columns
        rows = [
            {
                "kpi": kpi,
                "cells": [],
                "months": [
                    values.get(kpi.key, 0) if self.has_data(kpi) and state != "future" else None
                    for (_month, values), (_m, state) in zip(self.months, columns, strict=True)
                ],
                "total": self.values.get(kpi.key),
                "total_label": self.total_label(kpi),
                # The current month's cards say "to date" on a phone too.
                "to_day": _("(to day %(day)s)") % {"day": self.today.day},
            }
            for kpi in self.monthly_kpis
        ]
        for row in rows:
            row["cells"] = [
                (value, month, state)
                for value, (month, state) in zip(row["months"], columns, strict=True)
            ]
        return rows

    # --- Output formats

    def rows(self) -> list[tuple[str, str, object]]:
        """(key, label, value) for every KPI, breakdown and room: the CSV and the workbook.
        A figure entered by hand (手入力) stands where the portal has none, and a
        ``<key>.entered_by_hand`` row after the KPIs gives its source, as in the all-years CSV."""
        by_hand = {kpi.key: self.manual_value(kpi, self.year) for kpi in KPIS}
        rows = [
            (
                kpi.key,
                str(kpi.label),
                by_hand[kpi.key].number if by_hand[kpi.key] else self.values.get(kpi.key),
            )
            for kpi in KPIS
        ]
        rows += [
            (
                f"{kpi.key}.entered_by_hand",
                _("%(kpi)s: entered by hand, source") % {"kpi": kpi.label},
                by_hand[kpi.key].source,
            )
            for kpi in KPIS
            if by_hand[kpi.key]
        ]
        for breakdown in self.breakdowns:
            rows += [
                (key, f"{breakdown.title}: {label}", value) for key, label, value in breakdown.rows
            ]
        rows += self.detail_rows()
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

    def detail_rows(self) -> list[tuple[str, str, object]]:
        """The breakdowns by activity field and area for the CSV: key, label, value."""
        d = self.details
        rows = []
        for dimension, title, source in (
            ("field", _("Registered groups by activity field"), d.register_by_field),
            ("area", _("Registered groups by area"), d.register_by_area),
        ):
            for row in source:
                for name, label in (
                    ("end", _("at year end")),
                    ("new", _("new")),
                    ("withdrawn", pgettext("annual report register", "withdrawn")),
                ):
                    rows.append(
                        (
                            f"groups.{dimension}.{row['slug']}.{name}",
                            f"{title}: {row['name']} ({label})",
                            row[name],
                        )
                    )
        for row in d.by_field:
            for name, label in (
                ("bookings_used", _("bookings used")),
                ("users", pgettext("annual report by field", "users")),
                ("exchange_participants", _("exchange meeting participants")),
                ("event_participants", _("event participants")),
            ):
                rows.append(
                    (
                        f"{name}.field.{row['slug']}",
                        _("By activity field: %(field)s (%(what)s)")
                        % {"field": row["name"], "what": label},
                        row.get(name, 0),
                    )
                )
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
    # The running year (「年度途中」): its change compares ``same_period`` (1 April to today)
    # with ``previous``, 1 April to the same date a year earlier, never with the whole year.
    to_date: bool = False
    same_period: int | Decimal | None = None
    # A figure entered by hand (手入力, reports.manual) for a year the portal has none of its own.
    manual: manual.ManualValue | None = None

    @property
    def figure(self) -> int | Decimal | None:
        """The figure shown: the portal's own, else the hand-entered one, else None (「—」)."""
        if self.value is not None:
            return self.value
        return self.manual.number if self.manual is not None else None

    @property
    def change(self):
        value = self.same_period if self.to_date else self.figure
        if value is None or self.previous is None:
            return None
        return value - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        return _ratio(self.change, self.previous)

    @cached_property
    def value_text(self) -> str:
        return format_value(self.figure, self.decimals)

    @cached_property
    def change_text(self) -> str:
        """ "+8 (+33.3%)" against the year before; "—" when either year has no figure (the
        first year with data is no increase from nothing); "" in the table's first column."""
        if not self.has_year_before:
            return ""
        if self.change is None:
            text = "—"
        else:
            text = format_change(self.change, self.decimals)
            if self.change_pct is not None:
                text += f" ({format_change_pct(self.change_pct)})"
        if self.to_date:
            return _("same period last year %(change)s") % {"change": text}
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
    # Years whose figure was entered by hand (「手入力」 after its value).
    manual_years: frozenset = frozenset()

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
        if self.first_year in self.manual_years:
            first += f" ({manual.MARKER})"
        if self.last_year in self.manual_years:
            last += f" ({manual.MARKER})"
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

    @cached_property
    def values(self) -> dict[int, dict]:
        values = self._gathered[0]
        return {fy: figures for fy, figures in values.items() if fy >= FIRST_REPORT_YEAR}

    @cached_property
    def manual(self) -> dict[tuple[str, int], manual.ManualValue]:
        """The figures entered by hand for this report's KPIs (one query), by (key, year)."""
        keys = [kpi.key for kpi in self.kpis]
        return {
            pair: value
            for pair, value in manual.values_for(keys).items()
            if FIRST_REPORT_YEAR <= value.year <= self.current_year
        }

    def manual_value(self, kpi: Kpi, year: int) -> manual.ManualValue | None:
        """The hand-entered figure of ``kpi`` in ``year`` when the portal has none of its own."""
        if self.value(kpi, year) is not None:
            return None
        return self.manual.get((kpi.key, year))

    @property
    def first_years(self) -> dict[str, int | None]:
        """Each KPI family's first fiscal year with data (by the source that computes it)."""
        return self._gathered[1]

    @cached_property
    def data_set_first_years(self) -> dict[str, int | None]:
        """The first fiscal year with data of each kind of record a source reads apart
        (``Kpi.data_set``), from the figures already gathered (no query of its own): a year
        with none of that kind's records counted is before it."""
        values = self._gathered[0]
        keys: dict[str, list[str]] = {}
        for kpi in KPIS:
            if kpi.data_set:
                keys.setdefault(kpi.data_set, []).append(kpi.key)
        return {
            data_set: min(
                (fy for fy, figures in values.items() if any(figures.get(k) for k in set_keys)),
                default=None,
            )
            for data_set, set_keys in keys.items()
        }

    def value(self, kpi: Kpi, year: int) -> int | Decimal | None:
        """The KPI's figure in ``year``; None before its first data (never a 0 from nothing)."""
        first = self.first_years.get(kpi.source)
        if first is not None and kpi.data_set:
            first = self.data_set_first_years.get(kpi.data_set)
            first = None if first is None else max(first, self.first_years[kpi.source])
        if first is None or year < first:
            return None
        return self.values.get(year, {}).get(kpi.key, 0)

    @cached_property
    def years(self) -> list[int]:
        """From the first year with a figure, the portal's own or one entered by hand (a
        平成18年度 figure from the office's first report is a column of its own), to today's."""
        seen = [*self.values, *(year for _key, year in self.manual)]
        if not seen:
            return []
        return list(range(min(seen), self.current_year + 1))

    @property
    def fiscal_years(self) -> list[FiscalYear]:
        return [FiscalYear(year) for year in self.years]

    # --- The running year against the same period of the year before, to the day

    @property
    def compared_day(self) -> dt.date:
        return self.today

    @property
    def same_period_label(self) -> str:
        return same_period_text(FiscalYear(self.current_year), self.today)

    @property
    def previous_same_period_label(self) -> str:
        return same_period_text(
            FiscalYear(self.current_year - 1), same_day_a_year_before(self.today)
        )

    @cached_property
    def _previous_to_date(self) -> dict:
        """The year before the running one, from 1 April to the same date (``kpis.kept_to_date``:
        one gathering a day, shared with the running year's page)."""
        if self.current_year - 1 not in self.values:
            return {}
        return kpis.kept_to_date(
            year=self.current_year - 1,
            day=same_day_a_year_before(self.today),
            sources=kpis.sources_of(kpi.key for kpi in self.kpis),
            today=self.today,
        )

    @cached_property
    def rows(self) -> list[TrendRow]:
        rows = []
        for kpi in self.kpis:
            cells, previous = [], None
            for n, year in enumerate(self.years):
                value = self.value(kpi, year)
                cell = TrendCell(year, value, previous, kpi.decimals, has_year_before=n > 0)
                cell.manual = self.manual_value(kpi, year)
                if year == self.current_year:
                    cell.to_date = True
                    cell.same_period = None if kpi.kind == RATE else value
                    before = self.value(kpi, year - 1)
                    cell.previous = (
                        to_date_value(kpi, self._previous_to_date)
                        if n > 0 and before is not None
                        else None
                    )
                cells.append(cell)
                previous = cell.figure
            rows.append(TrendRow(kpi, cells))
        return rows

    def blocks(self, size: int = 6) -> list[list[int]]:
        """Column indexes of the table in blocks of ``size`` years, the latest block first and
        each in calendar order: the page prints on A4 whatever the number of years."""
        indexes = list(range(len(self.years)))
        result = []
        while indexes:
            result.append(indexes[-size:])
            indexes = indexes[:-size]
        return result

    @cached_property
    def table_blocks(self) -> list[dict]:
        """The table's blocks for the template: their years and each row's cells. The latest
        block has every indicator; an earlier one only those with a figure in one of its years
        (``left_out`` counts the others), so years before the portal print as a short table."""
        result = []
        for n, block in enumerate(self.blocks()):
            rows = [
                (row.kpi, [(self.fiscal_years[i], row.cells[i]) for i in block])
                for row in self.rows
            ]
            kept = [
                (kpi, cells)
                for kpi, cells in rows
                if n == 0 or any(cell.figure is not None for _fy, cell in cells)
            ]
            result.append(
                {
                    "years": [self.fiscal_years[i] for i in block],
                    "rows": kept,
                    "left_out": len(rows) - len(kept),
                }
            )
        return result

    def series(self, kpi: Kpi) -> list[tuple[int, int | Decimal]]:
        """(year, value) from the first year the KPI is not zero (for its chart); a year with a
        figure entered by hand shows it (``manual_value`` says which)."""
        points = []
        for year in self.years:
            entered = self.manual_value(kpi, year)
            points.append((year, entered.number if entered else self.value(kpi, year)))
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
            points = [
                (y, v) for y, v in self.series(kpi) if y < self.current_year and v is not None
            ]
            if len(points) < 2:
                continue
            (first_year, first_value), (last_year, last_value) = points[0], points[-1]
            by_hand = frozenset(y for y, _v in points if self.manual_value(kpi, y) is not None)
            result.append(Summary(kpi, first_year, first_value, last_year, last_value, by_hand))
        return result
