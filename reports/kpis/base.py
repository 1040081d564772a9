"""What every KPI source shares.

A source is a small module of ``reports.kpis`` that reads one capability's tables through the ORM
and answers two questions, each with one aggregate query per table:

- ``yearly(first=..., last=...)`` → ``{fiscal_year: {key: value}}`` for every year from
  ``first`` (or the source's first year with data when ``first`` is None) to ``last``, grouped
  in SQL with ``FiscalYearOf``;
- ``monthly(fy)`` → ``{first_day_of_month: {key: value}}`` for the twelve months of ``fy``,
  grouped in SQL with ``TruncMonth`` in Asia/Tokyo.

Besides the KPI keys a source may return breakdown keys ``"<kpi>.<dimension>.<value>"`` (e.g.
``"consultations.channel.phone"``) with labels from ``breakdown_labels()``.

A source whose app has not got its models yet answers zeros, so the reports work while the other
capabilities are still being built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateTimeField, Model

from core.fiscal import TOKYO, FiscalYear


def get_model(label: str, *fields: str) -> type[Model] | None:
    """The model ``"app.Model"`` if its app is installed and it has ``fields``, else None."""
    app_label, _name = label.split(".")
    if not apps.is_installed(app_label):
        return None
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    for name in fields:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
    return model


def has_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


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


def choice_labels(model: type[Model] | None, field: str) -> dict:
    """{stored value: label} of a field with choices (empty if the field has none)."""
    if model is None or not has_field(model, field):
        return {}
    return {str(value): label for value, label in model._meta.get_field(field).flatchoices}
