"""Building blocks of the yearly and monthly figures that each app computes for the reports.

Each capability app computes its own figures in ``<app>/kpis.py`` with its own models (one
aggregate query per table, grouped in SQL by fiscal year with ``core.fiscal.FiscalYearOf`` or
by month with ``TruncMonth`` in Asia/Tokyo); ``reports.kpis`` composes them. These helpers are
what they share: period filters, the years to answer for, months, hours and percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.fields import ArrayField
from django.db.models import DateField, DateTimeField, F, Func, IntegerField, Model, Value

from core.fiscal import TOKYO, FiscalYear, fiscal_year_of

# The last day counted (Asia/Tokyo), when a report asks for figures "to a day": see counted_until.
_COUNTED_UNTIL: ContextVar[dt.date | None] = ContextVar("kpis_counted_until", default=None)


@contextmanager
def counted_until(day: dt.date) -> Iterator[None]:
    """Within the block, the figures are those that stood at the end of ``day``: rows dated
    after it are left out (``period_filter``, ``date_period_filter``) and a level such as the
    register or the subscribers is the one of that day (``left_after_cutoff``). How the running
    year is compared with the year before: 1 April to the same date a year earlier."""
    token = _COUNTED_UNTIL.set(day)
    try:
        yield
    finally:
        _COUNTED_UNTIL.reset(token)


def cutoff_day() -> dt.date | None:
    return _COUNTED_UNTIL.get()


def cutoff_instant() -> dt.datetime | None:
    """The first instant after the last counted day (midnight in Asia/Tokyo), or None."""
    day = cutoff_day()
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), TOKYO)


def year_range(first: int | None, last: int, seen: Iterable[int | None]) -> range:
    """Years to answer for: ``first``..``last``, or from the first year seen in the data."""
    if first is None:
        years = [y for y in seen if y is not None and y <= last]
        if not years:
            return range(0)
        first = min(years)
    return range(first, last + 1)


def period_filter(field: str, first: int | None, last: int) -> dict:
    """ORM filter arguments selecting rows of fiscal years ``first``..``last`` on ``field``.

    Bounds are plain comparisons (index-friendly): dates against April 1 / March 31, datetimes
    against the first instants of the years in Asia/Tokyo.
    """
    lookups = {}
    if first is not None:
        lookups[f"{field}__gte"] = FiscalYear(first).start
    end = FiscalYear(last).end
    cutoff = cutoff_instant()
    lookups[f"{field}__lt"] = min(end, cutoff) if cutoff is not None else end
    return lookups


def date_period_filter(field: str, first: int | None, last: int) -> dict:
    lookups = {}
    if first is not None:
        lookups[f"{field}__gte"] = FiscalYear(first).first_day
    lookups[f"{field}__lte"] = last_counted_day(last)
    return lookups


def last_counted_day(last: int) -> dt.date:
    """The last day of fiscal year ``last``, or the ``counted_until`` day if earlier."""
    day, cutoff = FiscalYear(last).last_day, cutoff_day()
    return min(day, cutoff) if cutoff is not None else day


def left_after_cutoff(field: str, *, is_datetime: bool = False) -> dict:
    """Filter arguments for rows whose ``field`` (the date or moment of leaving, withdrawing)
    falls after the ``counted_until`` day: on that day they had not left yet. Empty without a
    cutoff."""
    if cutoff_day() is None:
        return {}
    if is_datetime:
        return {f"{field}__gte": cutoff_instant()}
    return {f"{field}__gt": cutoff_day()}


def period_filter_for(model: type[Model], field: str, first: int | None, last: int) -> dict:
    """``period_filter`` or ``date_period_filter`` depending on the field's type."""
    target = model._meta.get_field(field.split("__")[0])
    if "__" in field:
        target = target.related_model._meta.get_field(field.split("__")[1])
    if isinstance(target, DateTimeField):
        return period_filter(field, first, last)
    return date_period_filter(field, first, last)


def month_key(value: dt.date | dt.datetime | None) -> dt.date | None:
    """The first day of the month of a ``TruncMonth`` result (aware datetimes read in Tokyo)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TOKYO)
        return value.date().replace(day=1)
    return value.replace(day=1)


def empty_months(fy: FiscalYear, keys: Iterable[str]) -> dict[dt.date, dict[str, int]]:
    return {month: dict.fromkeys(keys, 0) for month in fy.months()}


def hours(seconds) -> Decimal:
    """Seconds (from SQL) → hours with one decimal, rounded half up."""
    if not seconds:
        return Decimal("0.0")
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def choice_labels(model: type[Model], field: str) -> dict:
    """{stored value: label} of a field with choices."""
    return {str(value): label for value, label in model._meta.get_field(field).flatchoices}


def summed_by_field(
    fields: list[dict], by_group: dict[int, dict], columns: Iterable[str]
) -> list[dict]:
    """Each activity field's ``columns`` summed over its groups' rows of ``by_group`` (``fields``
    as ``groups.kpis.fields_with_groups`` gives them), no query: a figure by field from the same
    year's figures by group."""
    columns = tuple(columns)
    result = []
    for field in fields:
        rows = [by_group[pk] for pk in field["groups"] if pk in by_group]
        summed = {column: sum(row[column] for row in rows) for column in columns}
        result.append({"slug": field["slug"], "name": field["name"], **summed})
    return result


# --- Sums read once by month (a year's report, issue #20)


class YearsReading:
    """Rows of fiscal years ``first``..``last`` read once for a report, each saying whether it
    falls before ``cut`` (the first instant after the compared day, ``cutoff_instant``): what
    they can answer."""

    def __init__(self, first: int, last: int, *, cut: dt.datetime | None = None):
        self.first, self.last, self.cut = first, last, cut

    def covers(self, first: int | None, last: int) -> bool:
        """Whether these rows answer the years ``first``..``last`` as counted now."""
        cutoff = cutoff_instant()
        return (
            first is not None
            and self.first <= first
            and last <= self.last
            and (cutoff is None or cutoff == self.cut)
        )

    def holds(self, year: int) -> bool:
        """Whether these rows hold the whole of fiscal year ``year`` (not cut short)."""
        return self.first <= year <= self.last and cutoff_instant() is None


class MonthReading(YearsReading):
    """Fiscal years ``first``..``last`` read once per source, each row grouped by the bucket of
    its date among the months' first instants (Asia/Tokyo) and ``cut``, the first instant after
    the compared day (``bucket``, WIDTH_BUCKET: a small integer). A source whose figures are all
    sums (events, consultations, page views) then answers its years, a year's months and the
    years to the ``counted_until`` day from those rows instead of a query each."""

    def __init__(self, first: int, last: int, *, cut: dt.datetime | None = None):
        super().__init__(first, last, cut=cut)
        months = [
            dt.datetime(year + (month > 12), (month - 1) % 12 + 1, 1, tzinfo=TOKYO)
            for year in range(first, last + 1)
            for month in range(4, 16)
        ]
        self.bounds = sorted({*months, *([cut] if cut is not None else [])})
        # Bucket n (from 1) starts at bounds[n - 1]: its month and whether it is before the cut.
        self.lowers = [(month_key(bound), cut is None or bound < cut) for bound in self.bounds]
        self._read: dict[str, dict] = {}

    def bucket(self, field: str, is_date: bool = False) -> Func:
        if is_date:
            values = [bound.astimezone(TOKYO).date() for bound in self.bounds]
            array = ArrayField(DateField())
        else:
            values, array = self.bounds, ArrayField(DateTimeField())
        return Func(
            F(field),
            Value(values, output_field=array),
            function="WIDTH_BUCKET",
            output_field=IntegerField(),
        )

    def rows(self, source: str, read: Callable[[MonthReading], dict]) -> dict:
        """{bucket: {key: sum}} of ``source``, read once by ``read(self)`` (never cut short by
        a ``counted_until`` day: the buckets say which rows fall before the cut)."""
        if source not in self._read:
            token = _COUNTED_UNTIL.set(None)
            try:
                self._read[source] = read(self)
            finally:
                _COUNTED_UNTIL.reset(token)
        return self._read[source]

    @staticmethod
    def _add(into: dict, figures: dict) -> None:
        for key, value in figures.items():
            into[key] = into.get(key, 0) + value

    def yearly(self, rows: dict, first: int, last: int) -> dict[int, dict]:
        """{fiscal year: its buckets' sums} (those before the cut within ``counted_until``);
        a year without rows is left out."""
        counted = cutoff_instant() is not None
        result: dict[int, dict] = {}
        for bucket, figures in rows.items():
            month, before = self.lowers[bucket - 1]
            fy = fiscal_year_of(month)
            if first <= fy <= last and (before or not counted):
                self._add(result.setdefault(fy, {}), figures)
        return result

    def monthly(self, rows: dict, fy: FiscalYear) -> dict[dt.date, dict]:
        """{first day of month: its buckets' sums} of ``fy``'s months with rows."""
        result: dict[dt.date, dict] = {}
        for bucket, figures in rows.items():
            month, _before = self.lowers[bucket - 1]
            if fiscal_year_of(month) == fy.year:
                self._add(result.setdefault(month, {}), figures)
        return result


_MONTHS: ContextVar[MonthReading | None] = ContextVar("kpis_month_reading", default=None)


@contextmanager
def reading_months(read: MonthReading) -> Iterator[MonthReading]:
    """Within the block, the sources that can answer from ``read`` do (``months_read_for``)."""
    token = _MONTHS.set(read)
    try:
        yield read
    finally:
        _MONTHS.reset(token)


def months_read_for(first: int | None, last: int) -> MonthReading | None:
    """The active ``MonthReading`` when it answers the years ``first``..``last`` as counted now."""
    read = _MONTHS.get()
    return read if read is not None and read.covers(first, last) else None


def months_read_holding(year: int) -> MonthReading | None:
    """The active ``MonthReading`` when it holds the whole of fiscal year ``year``."""
    read = _MONTHS.get()
    return read if read is not None and read.holds(year) else None
