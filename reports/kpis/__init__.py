"""KPI sources, one small module per capability, and the functions that merge their answers.

See ``reports.kpis.base`` for what a source answers and ``reports.kpis.definitions`` for the KPIs.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from types import ModuleType

from core.fiscal import FiscalYear
from reports.kpis.definitions import KPIS

SOURCES = ("groups", "facilities", "events", "consultations", "publishing", "website")


def source(name: str) -> ModuleType:
    return import_module(f"reports.kpis.{name}")


def sources_of(keys: Iterable[str]) -> tuple[str, ...]:
    """The sources that compute ``keys`` (in the canonical order)."""
    keys = set(keys)
    wanted = {kpi.source for kpi in KPIS if kpi.key in keys}
    return tuple(name for name in SOURCES if name in wanted)


def _zeros(names: Iterable[str]) -> dict:
    names = set(names)
    return {kpi.key: 0 for kpi in KPIS if kpi.source in names}


def yearly(*, first: int | None, last: int, sources: Iterable[str] = SOURCES) -> dict[int, dict]:
    """{fiscal year: {key: value}} for every year from ``first`` (or the first year any of the
    sources has data) to ``last``; a year a source has nothing for shows its keys as zero."""
    names = tuple(sources)
    answers = [source(name).yearly(first=first, last=last) for name in names]
    if first is None:
        seen = [fy for answer in answers for fy in answer]
        first = min(seen, default=last)
    merged = {fy: _zeros(names) for fy in range(first, last + 1)}
    for answer in answers:
        for fy, figures in answer.items():
            if fy in merged:
                merged[fy].update(figures)
    return merged


def monthly(fy: FiscalYear, *, sources: Iterable[str] = SOURCES) -> dict:
    """{first day of month: {key: value}} for the twelve months of ``fy``."""
    names = tuple(sources)
    merged = {month: _zeros(names) for month in fy.months()}
    for name in names:
        for month, figures in source(name).monthly(fy).items():
            merged[month].update(figures)
    return merged


def breakdown_labels(sources: Iterable[str] = SOURCES) -> dict[str, dict[str, str]]:
    labels = {}
    for name in sources:
        labels.update(source(name).breakdown_labels())
    return labels
