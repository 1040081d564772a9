"""Website accesses: the portal's own daily counters of page views (split by section) and of
unique visitors (``reports.middleware``).

One query per period: page views grouped by (fiscal year, section) and, in the same query
(UNION ALL), visitors by fiscal year.
"""

from __future__ import annotations

from django.db.models import Sum, Value
from django.db.models.functions import TruncMonth

from core.fiscal import FiscalYear, FiscalYearOf
from reports.kpis.base import date_period_filter, empty_months, month_key, year_range
from reports.models import PageViewCounter, VisitorCounter

KEYS = ("page_views", "daily_visitors")


VISITORS = "*visitors"  # the row of the visitor counts among the sections in one query


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    views = (
        PageViewCounter.objects.filter(**date_period_filter("day", first, last))
        .values("section", fy=FiscalYearOf("day"))
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("fy", "section", "n")
    )
    visitors = (
        VisitorCounter.objects.filter(**date_period_filter("day", first, last))
        .values(fy=FiscalYearOf("day"))
        .annotate(part=Value(VISITORS), n=Sum("visitors"))
        .order_by()
        .values_list("fy", "part", "n")
    )
    rows = list(views.union(visitors, all=True))
    result = {fy: dict.fromkeys(KEYS, 0) for fy in year_range(first, last, (r[0] for r in rows))}
    for fy, section, n in rows:
        if fy not in result:
            continue
        if section == VISITORS:
            result[fy]["daily_visitors"] = n
        else:
            result[fy]["page_views"] += n
            result[fy][f"page_views.section.{section}"] = n
    return result


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
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
