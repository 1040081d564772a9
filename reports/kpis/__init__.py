"""KPI sources, one small module per capability, and the functions that merge their answers.

See ``reports.kpis.base`` for what a source answers and ``reports.kpis.definitions`` for the KPIs.

With ``cached=True`` (what the report pages and downloads use) figures come from the cache:
those of finished fiscal years for ``settings.REPORTS_CACHE_SECONDS`` (10 minutes by default),
those of the current (and next) year for ``settings.REPORTS_LIVE_CACHE_SECONDS`` (1 minute). A
booking recorded now shows in the current year's report within a minute; a late correction to a
past year within ten.

Never gathered by a crowd (``remember``, issue #20). Gathering the running year's figures takes
a good part of a second at scale 10, and they are due again every minute: when they are due,
one request gathers them (it takes a lock through the cache's ``add``, which every app server
sees) while every other request still gets the last figures gathered; with no figures at all
yet, the others wait for that one's instead of gathering them too. A lock, not a version renewed
by the data: the figures read seven apps' tables (bookings, the register, events,
consultations, the newsletter, the bulletin board, and the page-view counters, which change with
every page anybody opens), so no version short of one renewed by every write of every app would
say when they changed, and the running year's would change all the time anyway. Finished years'
figures stay kept (``keep_seconds``: a month) and are gathered again, the same way, by one
request at most every ``REPORTS_CACHE_SECONDS``: a late correction shows within that time, and
no request ever waits for a finished year again once it has been gathered.
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

# Raised when what is kept changes shape or look (the year's page is kept rendered): a deploy
# then builds every page afresh instead of showing one kept from the previous templates.
CACHE_VERSION = 8

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


# How long the running year's figures past their time may still be shown while one request
# gathers them anew; finished years' are kept for FINISHED_KEEP_SECONDS.
STALE_SECONDS = 300
FINISHED_KEEP_SECONDS = 30 * 24 * 3600
# How long a request with no figures to show waits for another that is gathering them, before it
# gathers them itself (that one may have died).
WAIT_SECONDS = 15
WAIT_STEP = 0.05


def keep_seconds(year: int, today: dt.date | None = None) -> int:
    """How long figures of ``year`` (and a page built from them) stay to be shown while they
    are gathered anew: a month for a finished year, five minutes past their time while it runs."""
    if year < current_year(today):
        return max(FINISHED_KEEP_SECONDS, finished_seconds() + STALE_SECONDS)
    return live_seconds() + STALE_SECONDS


def remember(key: str, compute: Callable, seconds: int, *, keep: int | None = None, version=None):
    """``compute()``, kept in the cache under ``key``: fresh for ``seconds``, shown for ``keep``
    (by default ``seconds + STALE_SECONDS``) while one request computes it again.

    ``version`` (optional) names what the value was computed from: a kept value of another
    version is past its time, as if its seconds were up (a page kept with its figures).

    Past its time, the next request computes it again while requests arriving in the meantime
    (on any app server) still get the previous value. With nothing kept, one request computes it
    and the others wait for it (up to WAIT_SECONDS, then compute it themselves).
    """
    key = f"reports:v{CACHE_VERSION}:{key}"
    if seconds <= 0:
        return compute()
    lock = f"{key}:gathering"
    entry = cache.get(key)
    if entry is not None:
        value, fresh_until, kept_version = entry
        if time.time() < fresh_until and kept_version == version:
            return value
        if not cache.add(lock, 1, timeout=60):
            return value  # another request is computing it: the previous value meanwhile
        locked = True
    else:
        locked = cache.add(lock, 1, timeout=60)
        if not locked:
            entry = _wait_for(key, lock)
            if entry is not None:
                return entry[0]
    now = time.time()
    try:
        value = compute()
        cache.set(key, (value, now + seconds, version), keep or seconds + STALE_SECONDS)
    finally:
        if locked:
            cache.delete(lock)
    return value


def _wait_for(key: str, lock: str):
    """The entry another request is computing, once it is there (None after WAIT_SECONDS or
    when that request gave up without it)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        found = cache.get_many([key, lock])  # one read
        if key in found:
            return found[key]
        if lock not in found:
            return None
    return None


def _answers(first: int | None, last: int, names: tuple[str, ...]) -> list[dict]:
    """Each source's ``yearly``, in the order of ``names``. A source whose rows are still being
    read aside (``waiting``) is asked last: the others' figures are gathered meanwhile."""
    order = sorted(names, key=_waiting)  # stable: the others keep their order
    answers = {name: source(name).yearly(first=first, last=last) for name in order}
    return [answers[name] for name in names]


def _waiting(name: str) -> bool:
    waiting = getattr(source(name), "waiting", None)
    return waiting is not None and waiting()


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
                keep=keep_seconds(closed, today),
            )
        )
    if last > closed:
        start = max(closed + 1, first) if first is not None else closed + 1
        parts.append(
            remember(
                f"yearly:{','.join(names)}:{start}:{last}:{current}",
                lambda: _answers(start, last, names),
                cache_seconds(current, today),
                keep=keep_seconds(current, today),
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


def two_years(*, year: int, sources: Iterable[str] = SOURCES) -> tuple[dict[int, dict], dict]:
    """``yearly_since_the_data(last=year)`` for what a year's report reads of it: the figures of
    ``year - 1`` and ``year``, and each source's first year with data as far as those two years
    need it (``year - 1`` stands for "that year or earlier").

    The whole history is the dearest query of a year's page (every booking since the portal
    began, six years of them at scale 10) and the page shows two years of it: the years before
    are read only for a source with nothing in ``year - 1``, to tell a year before its first
    data (「—」) from a quiet one (0)."""
    names = tuple(sources)
    answers = _answers(year - 1, year, names)
    first = first_years(answers, names)
    for name in names:
        if first[name] is None or first[name] > year - 1:
            earlier = first_years([source(name).yearly(first=None, last=year - 2)], (name,))
            first[name] = earlier[name] if earlier[name] is not None else first[name]
    return _merge(year - 1, year, names, answers), first


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


def kept_to_date(
    *, year: int, day: dt.date, sources: Iterable[str] = SOURCES, today: dt.date | None = None
) -> dict:
    """``to_date``, kept as a finished year's figures (the running year's comparison with the
    year before: that year is over, and its days to ``day`` change with late corrections only),
    one entry per day shared by the year's page and the all-years page."""
    names = tuple(sources)
    return remember(
        f"to-date:{year}:{day.isoformat()}:{','.join(names)}",
        lambda: to_date(year=year, day=day, sources=names),
        cache_seconds(year, today),
        keep=keep_seconds(year, today),
    )


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
