"""Site-wide search: each app registers a provider in the registry's ``"search"`` slot.

The core may not import the apps, so the search page asks ``registry.gather("search", words)``;
each app's panel (``<app>/search.py``, registered from its ``AppConfig.ready``) returns
``found(kind=..., hits=..., count=...)`` for the words: at most ``LIMIT`` hits of its published or
public content only, in a fixed number of queries whatever the data: one with ``found_in``, which
reads the first hits and the number of all of them together (issue #20).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Count, Q, QuerySet, Window

from core.markdown import plain_words

LIMIT = 5
MAX_WORDS = 5
TEMPLATE = "core/search_kind.html"


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    date: dt.date | dt.datetime | None = None
    snippet: str = ""


def words(q: str) -> tuple[str, ...]:
    """The search box's words: NFKC (as the stored texts), split on half- and full-width
    spaces, at most ``MAX_WORDS``."""
    return tuple(unicodedata.normalize("NFKC", (q or "").replace("\x00", "")).split()[:MAX_WORDS])


def matching(terms, *fields: str) -> Q:
    """Every word in at least one of ``fields`` (icontains)."""
    return reduce(
        and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in terms), Q()
    )


def snippet(text: str, terms, width: int = 60, *, markdown: bool = False) -> str:
    """A short piece of ``text`` around the first word found (plain text, one line); a
    ``markdown`` body is read as its words, without its markup or link addresses."""
    if markdown:
        text = plain_words(text)
    text = " ".join((text or "").split())
    lowered = text.lower()
    at = min((i for i in (lowered.find(w.lower()) for w in terms) if i >= 0), default=0)
    start = max(at - width // 3, 0)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def found(*, kind, hits, count: int, more_url: str = "") -> dict:
    return {"kind": kind, "hits": list(hits), "count": count, "more_url": more_url}


def found_in(results: QuerySet, *, kind, hit: Callable[..., Hit], more_url: str = "") -> dict:
    """``found()`` from one query: the first ``LIMIT`` rows of ``results`` (filtered and ordered,
    without ``distinct()``) made into hits by ``hit``, and the number of all its rows, read with
    them as ``COUNT(*) OVER ()`` instead of by a second query."""
    rows = list(results.annotate(search_total=Window(Count("*")))[:LIMIT])
    return found(
        kind=kind,
        hits=[hit(row) for row in rows],
        count=rows[0].search_total if rows else 0,
        more_url=more_url,
    )


def register(app_key: str, order: int, search) -> None:
    """Register one app's ``search(words) -> found(...)`` (from its ``AppConfig.ready``)."""
    from core import registry

    registry.register(
        "search",
        registry.Panel(key=f"{app_key}.search", order=order, template=TEMPLATE, context=search),
    )
