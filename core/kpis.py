"""Building blocks of the yearly and monthly figures that each app computes for the reports.

Each capability app computes its own figures in ``<app>/kpis.py`` with its own models (one
aggregate query per table, grouped in SQL by fiscal year with ``core.fiscal.FiscalYearOf`` or
by month with ``TruncMonth`` in Asia/Tokyo); ``reports.kpis`` composes them. These helpers are
what they share: period filters, the years to answer for, months, hours and percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DateTimeField, Model

from core.fiscal import TOKYO, FiscalYear

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
