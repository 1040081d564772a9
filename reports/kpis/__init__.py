"""KPI sources, one small module per capability, and the functions that merge their answers.

See ``reports.kpis.base`` for what a source answers and ``reports.kpis.definitions`` for the KPIs.

With ``cached=True`` (what the report pages and downloads use) the figures of finished fiscal
years come from the cache for ``settings.REPORTS_CACHE_SECONDS`` (10 minutes by default): a
late correction to a past year shows within that time. The current (and next) year is always
counted live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.fiscal import FiscalYear
from reports.kpis.definitions import KPIS

CACHE_VERSION = 1

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


def cache_seconds() -> int:
    return getattr(settings, "REPORTS_CACHE_SECONDS", 600)


def current_year(today: dt.date | None = None) -> int:
    return FiscalYear.of(today or timezone.localdate()).year


def remember(key: str, compute: Callable):
    """``compute()``, kept in the cache under ``key`` for ``cache_seconds()``."""
    key = f"reports:v{CACHE_VERSION}:{key}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, cache_seconds())
    return value


def _answers(first: int | None, last: int, names: tuple[str, ...]) -> list[dict]:
    return [source(name).yearly(first=first, last=last) for name in names]


def _cached_answers(
    first: int | None, last: int, names: tuple[str, ...], today: dt.date | None
) -> list[dict]:
    """Finished years from the cache (one entry for all of them), later years counted live."""
    closed = min(last, current_year(today) - 1)
    if first is not None and first > closed:
        return _answers(first, last, names)
    finished = remember(
        f"yearly:{','.join(names)}:{first}:{closed}", lambda: _answers(first, closed, names)
    )
    if last <= closed:
        return finished
    live = _answers(closed + 1, last, names)
    return [{**old, **new} for old, new in zip(finished, live, strict=True)]


def yearly(
    *,
    first: int | None,
    last: int,
    sources: Iterable[str] = SOURCES,
    cached: bool = False,
    today: dt.date | None = None,
) -> dict[int, dict]:
    """{fiscal year: {key: value}} for every year from ``first`` (or the first year any of the
    sources has data) to ``last``; a year a source has nothing for shows its keys as zero."""
    names = tuple(sources)
    answers = _cached_answers(first, last, names, today) if cached else _answers(first, last, names)
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


def rooms(fy: FiscalYear, *, cached: bool = False, today: dt.date | None = None) -> list[dict]:
    """Per-room figures of ``fy`` (a finished year from the cache when ``cached``)."""
    compute = source("facilities").rooms
    if cached and fy.year < current_year(today):
        return remember(f"rooms:{fy.year}", lambda: compute(fy))
    return compute(fy)


def breakdown_labels(sources: Iterable[str] = SOURCES) -> dict[str, dict[str, str]]:
    labels = {}
    for name in sources:
        labels.update(source(name).breakdown_labels())
    return labels
