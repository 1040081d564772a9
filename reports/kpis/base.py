"""What every KPI source shares.

A source is a small module of ``reports.kpis`` that answers two questions for one capability,
each with one aggregate query per table:

- ``yearly(first=..., last=...)`` → ``{fiscal_year: {key: value}}`` for every year from
  ``first`` (or the source's first year with data when ``first`` is None) to ``last``, grouped
  in SQL with ``FiscalYearOf``;
- ``monthly(fy)`` → ``{first_day_of_month: {key: value}}`` for the twelve months of ``fy``,
  grouped in SQL with ``TruncMonth`` in Asia/Tokyo.

A source may also say ``waiting()``: its rows are still being read aside (``core.aside``), so
its answer is asked for after the others'.

Besides the KPI keys a source may return breakdown keys ``"<kpi>.<dimension>.<value>"`` (e.g.
``"consultations.channel.phone"``) with labels from ``breakdown_labels()``.

The figures themselves are computed by the app that owns the data (``groups.kpis``,
``facilities.kpis``, ``events.kpis``, ``newsletter.kpis``, ``bulletin.kpis``) with its own
models; the sources here compose them. The helpers they share live in ``core.kpis``.
"""

from __future__ import annotations

from core.kpis import (
    choice_labels,
    date_period_filter,
    empty_months,
    hours,
    month_key,
    percent,
    period_filter,
    period_filter_for,
    year_range,
)

__all__ = [
    "choice_labels",
    "date_period_filter",
    "empty_months",
    "hours",
    "month_key",
    "percent",
    "period_filter",
    "period_filter_for",
    "year_range",
]
