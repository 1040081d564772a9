"""KPI sources, one small module per capability, and the functions that merge their answers.

See ``reports.kpis.base`` for what a source answers and ``reports.kpis.definitions`` for the KPIs.

With ``cached=True`` (what the report pages and downloads use) figures come from the cache:
those of finished fiscal years for ``settings.REPORTS_CACHE_SECONDS`` (10 minutes by default),
those of the current (and next) year for ``settings.REPORTS_LIVE_CACHE_SECONDS`` (1 minute). A
booking recorded now shows in the current year's report within a minute; a late correction to a
past year within ten.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.fiscal import FiscalYear
from core.kpis import counted_until
from reports.kpis.definitions import KPIS

CACHE_VERSION = 5

SOURCES = (
    "groups",
    "facilities",
    "events",
    "consultations",
    "publishing",
    "website",
    "collaboration",
)


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


def finished_seconds() -> int:
    return getattr(settings, "REPORTS_CACHE_SECONDS", 600)


def live_seconds() -> int:
    return getattr(settings, "REPORTS_LIVE_CACHE_SECONDS", 60)


def cache_seconds(year: int, today: dt.date | None = None) -> int:
    """How long figures of fiscal year ``year`` may be kept: longer once it is over."""
    return finished_seconds() if year < current_year(today) else live_seconds()


def current_year(today: dt.date | None = None) -> int:
    return FiscalYear.of(today or timezone.localdate()).year


# How long figures past their time may still be shown while one request gathers them anew.
STALE_SECONDS = 300


def remember(key: str, compute: Callable, seconds: int):
    """``compute()``, kept in the cache under ``key`` for ``seconds``.

    When the time is up, the next request gathers the figures again while requests arriving in
    the meantime (on any app server) still get the previous ones: gathering a year takes the
    better part of a second on a large database, and every worker doing it at once would stall
    them all. Figures nobody asked for within STALE_SECONDS after their time are gathered afresh.
    """
    key = f"reports:v{CACHE_VERSION}:{key}"
    if seconds <= 0:
        return compute()
    entry = cache.get(key)
    now = time.time()
    if entry is not None:
        value, fresh_until = entry
        if now < fresh_until or not cache.add(f"{key}:gathering", 1, timeout=60):
            return value
    try:
        value = compute()
        cache.set(key, (value, now + seconds), seconds + STALE_SECONDS)
    finally:
        if entry is not None:
            cache.delete(f"{key}:gathering")
    return value


def _answers(first: int | None, last: int, names: tuple[str, ...]) -> list[dict]:
    return [source(name).yearly(first=first, last=last) for name in names]


def _cached_answers(
    first: int | None, last: int, names: tuple[str, ...], today: dt.date | None
) -> list[dict]:
    """Finished years from one cache entry, the current and next year from another (shorter)."""
    current = current_year(today)
    closed = min(last, current - 1)
    parts = []
    if first is None or first <= closed:
        parts.append(
            remember(
                f"yearly:{','.join(names)}:{first}:{closed}",
                lambda: _answers(first, closed, names),
                cache_seconds(closed, today),
            )
        )
    if last > closed:
        start = max(closed + 1, first) if first is not None else closed + 1
        parts.append(
            remember(
                f"yearly:{','.join(names)}:{start}:{last}:{current}",
                lambda: _answers(start, last, names),
                cache_seconds(current, today),
            )
        )
    if len(parts) == 1:
        return parts[0]
    return [{**old, **new} for old, new in zip(*parts, strict=True)]


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
    return _merge(first, last, names, answers)


def first_years(answers: list[dict], names: tuple[str, ...]) -> dict[str, int | None]:
    """Each source's first fiscal year with any row (None: no data yet), read from its answer
    for ``first=None``, which starts at that year: the first group registration, booking,
    event, consultation, newsletter issue or page-view counter. No query of its own.

    A year whose figures are all zero is no data: the running year's answer, gathered apart
    (``_cached_answers``), lists it for a source that has no record yet."""
    return {
        name: min((fy for fy, figures in answer.items() if any(figures.values())), default=None)
        for name, answer in zip(names, answers, strict=True)
    }


def yearly_since_the_data(
    *,
    last: int,
    sources: Iterable[str] = SOURCES,
    cached: bool = False,
    today: dt.date | None = None,
) -> tuple[dict[int, dict], dict[str, int | None]]:
    """``yearly(first=None, ...)`` and, from the same answers, each source's first year with
    data (``first_years``): years before it have no figure for the source's KPIs."""
    names = tuple(sources)
    answers = _cached_answers(None, last, names, today) if cached else _answers(None, last, names)
    return _merge(None, last, names, answers), first_years(answers, names)


def _merge(first: int | None, last: int, names: tuple[str, ...], answers: list[dict]) -> dict:
    if first is None:
        seen = [fy for answer in answers for fy in answer]
        first = min(seen, default=last)
    merged = {fy: _zeros(names) for fy in range(first, last + 1)}
    for answer in answers:
        for fy, figures in answer.items():
            if fy in merged:
                merged[fy].update(figures)
    return merged


def to_date(*, year: int, day: dt.date, sources: Iterable[str] = SOURCES) -> dict:
    """Fiscal year ``year``'s figures from its 1 April to ``day`` (included, Asia/Tokyo): counts
    over those days, levels (registered groups, subscribers) as they stood at the end of ``day``.
    The same queries as ``yearly`` for one year, bounded by ``core.kpis.counted_until``."""
    names = tuple(sources)
    with counted_until(day):
        answers = _answers(year, year, names)
    return _merge(year, year, names, answers)[year]


def monthly(fy: FiscalYear, *, sources: Iterable[str] = SOURCES) -> dict:
    """{first day of month: {key: value}} for the twelve months of ``fy``."""
    names = tuple(sources)
    merged = {month: _zeros(names) for month in fy.months()}
    for name in names:
        for month, figures in source(name).monthly(fy).items():
            merged[month].update(figures)
    return merged


def rooms(fy: FiscalYear) -> list[dict]:
    """Per-room figures of ``fy``."""
    return source("facilities").rooms(fy)


def breakdown_labels(sources: Iterable[str] = SOURCES) -> dict[str, dict[str, str]]:
    labels = {}
    for name in sources:
        labels.update(source(name).breakdown_labels())
    return labels
