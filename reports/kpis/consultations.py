"""Consultations with citizen groups (相談対応), with their split by channel and by category.

One query per period: consultations grouped by (fiscal year, channel, category).
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncMonth

from core.fiscal import FiscalYear, FiscalYearOf
from reports.kpis.base import (
    choice_labels,
    date_period_filter,
    empty_months,
    get_model,
    has_field,
    month_key,
    year_range,
)

KEYS = ("consultations",)
DIMENSIONS = ("channel", "category")


def _model():
    return get_model("groups.Consultation", "held_on")


def _dimensions(model) -> list[str]:
    return [d for d in DIMENSIONS if has_field(model, d)]


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    Consultation = _model()
    if Consultation is None:
        return {}
    dims = _dimensions(Consultation)
    rows = list(
        Consultation.objects.filter(**date_period_filter("held_on", first, last))
        .values(*dims, fy=FiscalYearOf("held_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = {fy: {"consultations": 0} for fy in year_range(first, last, (r["fy"] for r in rows))}
    for row in rows:
        figures = result.get(row["fy"])
        if figures is None:
            continue
        figures["consultations"] += row["n"]
        for dim in dims:
            key = f"consultations.{dim}.{row[dim]}"
            figures[key] = figures.get(key, 0) + row["n"]
    return result


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, KEYS)
    Consultation = _model()
    if Consultation is None:
        return months
    rows = (
        Consultation.objects.filter(**date_period_filter("held_on", fy.year, fy.year))
        .values(month=TruncMonth("held_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    for month, n in rows:
        months[month_key(month)]["consultations"] = n
    return months


def breakdown_labels() -> dict[str, dict[str, str]]:
    """{"consultations.channel": {value: label}, ...} for the dimensions the model has."""
    Consultation = _model()
    if Consultation is None:
        return {}
    return {f"consultations.{dim}": choice_labels(Consultation, dim) for dim in DIMENSIONS}
