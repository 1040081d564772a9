"""Figures from before the portal (手入力): staff enter a past year's value for any KPI by hand,
with its source. Read here by the trend code and the business report:

- ``values_for(keys, years)`` → ``{(key, year): ManualValue}`` in one query;
- ``merged(computed, manual)`` → the figure to show: the portal's own when it has one for that
  year (computed figures stand), else the hand-entered one, marked.

A ``ManualValue`` says 「手入力」 (``MARKER``) and carries its source note, for a marker and a
footnote in tables and charts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from reports.kpis.definitions import BY_KEY
from reports.models import ManualFigure

MARKER = _("Entered by hand")  # 手入力


@dataclass(frozen=True)
class ManualValue:
    key: str
    year: int
    value: Decimal
    source: str
    note: str = ""
    manual: bool = True

    @property
    def marker(self):
        return MARKER

    @property
    def number(self) -> int | Decimal:
        """The value as the KPI is shown: a whole number for counts."""
        if BY_KEY[self.key].decimals == 0 and self.value == self.value.to_integral_value():
            return int(self.value)
        return self.value


def values_for(keys: Iterable[str] | None = None, years: Iterable[int] | None = None) -> dict:
    """The hand-entered figures of ``keys`` in ``years`` (None: all of them), one query."""
    rows = ManualFigure.objects.all()
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    if years is not None:
        rows = rows.filter(fiscal_year__in=list(years))
    return {
        (row.key, row.fiscal_year): ManualValue(
            key=row.key,
            year=row.fiscal_year,
            value=row.value,
            source=row.source,
            note=row.note,
        )
        for row in rows.only("key", "fiscal_year", "value", "source", "note")
    }


def merged(computed, manual: ManualValue | None):
    """The figure a report shows: ``computed`` when the portal has one (not None), else the
    hand-entered value (a ManualValue: show ``.number`` with ``.marker``), else None (「—」)."""
    if computed is not None:
        return computed
    return manual


def differs(computed, manual: ManualValue | None) -> bool:
    """Whether a hand-entered figure disagrees with the portal's own for the same year."""
    return computed is not None and manual is not None and Decimal(computed) != manual.value


def portal_figures(keys: Iterable[str] | None = None) -> dict:
    """``{(key, year): value}`` of the portal's own figures (cached as the report pages are),
    only for years its sources have data for: what a hand-entered figure is compared with."""
    from reports import kpis

    wanted = set(keys) if keys is not None else set(BY_KEY)
    sources = kpis.sources_of(wanted)
    if not sources:
        return {}
    values, first_years = kpis.yearly_since_the_data(
        last=kpis.current_year(), sources=sources, cached=True
    )
    result = {}
    for year, figures in values.items():
        for key in wanted:
            first = first_years.get(BY_KEY[key].source)
            if first is not None and year >= first and key in figures:
                result[(key, year)] = figures[key]
    return result
