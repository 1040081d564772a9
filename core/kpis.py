"""Building blocks of the yearly and monthly figures that each app computes for the reports.

Each capability app computes its own figures in ``<app>/kpis.py`` with its own models (one
aggregate query per table, grouped in SQL by fiscal year with ``core.fiscal.FiscalYearOf`` or
by month with ``TruncMonth`` in Asia/Tokyo); ``reports.kpis`` composes them. These helpers are
what they share: period filters, the years to answer for, months, hours and percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DateTimeField, Model

from core.fiscal import TOKYO, FiscalYear


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
    lookups[f"{field}__lt"] = FiscalYear(last).end
    return lookups


def date_period_filter(field: str, first: int | None, last: int) -> dict:
    lookups = {}
    if first is not None:
        lookups[f"{field}__gte"] = FiscalYear(first).first_day
    lookups[f"{field}__lte"] = FiscalYear(last).last_day
    return lookups


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
