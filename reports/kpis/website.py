"""Website accesses: the portal's own daily counters of page views (split by section) and of
unique visitors (``reports.middleware``).

One query per period: page views grouped by (fiscal year, section) and, in the same query
(UNION ALL), visitors by fiscal year.
"""

from __future__ import annotations

from django.db.models import Sum, Value
from django.db.models.functions import TruncMonth

from core.fiscal import FiscalYear, FiscalYearOf
from core.kpis import MonthReading, months_read_for, months_read_holding
from reports.kpis.base import date_period_filter, empty_months, month_key, year_range
from reports.models import PageViewCounter, VisitorCounter

KEYS = ("page_views", "daily_visitors")


VISITORS = "*visitors"  # the row of the visitor counts among the sections in one query


def _rows(group, first: int | None, last: int) -> list[tuple]:
    """(group, section or VISITORS, n): page views by section and visitors, grouped by
    ``group("day")`` (the fiscal year, or a month's bucket of a ``MonthReading``)."""
    views = (
        PageViewCounter.objects.filter(**date_period_filter("day", first, last))
        .values("section", fy=group("day"))
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("fy", "section", "n")
    )
    visitors = (
        VisitorCounter.objects.filter(**date_period_filter("day", first, last))
        .values(fy=group("day"))
        .annotate(part=Value(VISITORS), n=Sum("visitors"))
        .order_by()
        .values_list("fy", "part", "n")
    )
    return list(views.union(visitors, all=True))


def _figures(rows: list[tuple], groups) -> dict:
    """{group: figures} of ``_rows``, for the groups in ``groups``."""
    result = {g: dict.fromkeys(KEYS, 0) for g in groups}
    for g, section, n in rows:
        if g not in result:
            continue
        if section == VISITORS:
            result[g]["daily_visitors"] = n
        else:
            result[g]["page_views"] += n
            result[g][f"page_views.section.{section}"] = n
    return result


def _by_bucket(read: MonthReading) -> dict:
    rows = _rows(lambda field: read.bucket(field, is_date=True), read.first, read.last)
    return _figures(rows, {g for g, _section, _n in rows})


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    read = months_read_for(first, last)
    if read is not None:
        # A year's report: its years from the months read once (every figure a sum).
        summed = read.yearly(read.rows("website", _by_bucket), first, last)
        zeros = dict.fromkeys(KEYS, 0)
        return {fy: {**zeros, **summed.get(fy, {})} for fy in range(first, last + 1)}
    rows = _rows(FiscalYearOf, first, last)
    return _figures(rows, year_range(first, last, (r[0] for r in rows)))


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    read = months_read_holding(fy.year)
    if read is not None:
        for month, figures in read.monthly(read.rows("website", _by_bucket), fy).items():
            months[month].update({key: figures[key] for key in KEYS})
        return months
    views = (
        PageViewCounter.objects.filter(**date_period_filter("day", fy.year, fy.year))
        .values(month=TruncMonth("day"))
        .annotate(part=Value("page_views"), n=Sum("views"))
        .order_by()
        .values_list("month", "part", "n")
    )
    visitors = (
        VisitorCounter.objects.filter(**date_period_filter("day", fy.year, fy.year))
        .values(month=TruncMonth("day"))
        .annotate(part=Value("daily_visitors"), n=Sum("visitors"))
        .order_by()
        .values_list("month", "part", "n")
    )
    for month, key, n in views.union(visitors, all=True):
        months[month_key(month)][key] = n
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {"page_views.section": dict(PageViewCounter.Section.choices)}
