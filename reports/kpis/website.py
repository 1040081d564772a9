"""Website accesses: the portal's own daily page-view counters, split by section.

One query per period: counters grouped by (fiscal year, section).
"""

from __future__ import annotations

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from core.fiscal import FiscalYear, FiscalYearOf
from reports.kpis.base import date_period_filter, empty_months, month_key, year_range
from reports.models import PageViewCounter

KEYS = ("page_views",)


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    rows = list(
        PageViewCounter.objects.filter(**date_period_filter("day", first, last))
        .values("section", fy=FiscalYearOf("day"))
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("fy", "section", "n")
    )
    result = {fy: {"page_views": 0} for fy in year_range(first, last, (r[0] for r in rows))}
    for fy, section, n in rows:
        if fy in result:
            result[fy]["page_views"] += n
            result[fy][f"page_views.section.{section}"] = n
    return result


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    for month, n in (
        PageViewCounter.objects.filter(**date_period_filter("day", fy.year, fy.year))
        .values(month=TruncMonth("day"))
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("month", "n")
    ):
        months[month_key(month)]["page_views"] = n
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    return {"page_views.section": dict(PageViewCounter.Section.choices)}
