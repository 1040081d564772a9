"""What the footer of every page shows: the office's details, today's opening hours and links to
the published pages.

It is on every page, so it must not add queries to every page: it is read (five queries) and
kept in this process for ``OFFICE_FOOTER_SECONDS`` (60 by default; ``None`` keeps it until it is
forgotten). The kept data does not depend on the day (``OfficeWeek`` answers for any day), so a
new day needs no new read. A change made through pages.services forgets it at once in the process
that made it; other processes see it within the minute, as anonymous visitors see kept pages
(core/pagecache.py).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from facilities import selectors as facilities_selectors
from pages.models import OfficeDetails, Page

DEFAULT_SECONDS = 60


@dataclass(frozen=True)
class PageLink:
    text: str
    url: str


@dataclass(frozen=True)
class Footer:
    office: OfficeDetails
    week: facilities_selectors.OfficeWeek
    # (kind, title, url) of every published page; the text is chosen per language when shown.
    pages: tuple[tuple[str, str, str], ...]

    def links(self) -> list[PageLink]:
        labels = dict(Page.Kind.choices)
        return [
            PageLink(text=title if kind == Page.Kind.OTHER else str(labels[kind]), url=url)
            for kind, title, url in self.pages
        ]

    def today(self) -> dt.date:
        return timezone.localdate()

    def hours_today(self) -> tuple[dt.time, dt.time] | None:
        return self.week.hours_on(self.today())

    def closed_reason_today(self) -> str | None:
        return self.week.closed_reason(self.today())


_lock = threading.Lock()
_kept: tuple[float, Footer] | None = None


def _read() -> Footer:
    pages = Page.objects.filter(published_version__isnull=False).only("slug", "kind", "title")
    return Footer(
        office=OfficeDetails.objects.filter(pk=1).first() or OfficeDetails(pk=1),
        week=facilities_selectors.office_week(),
        pages=tuple((p.kind, p.title, p.get_absolute_url()) for p in pages),
    )


def office_footer() -> Footer:
    global _kept
    seconds = getattr(settings, "OFFICE_FOOTER_SECONDS", DEFAULT_SECONDS)
    kept = _kept
    if kept is not None and (seconds is None or time.monotonic() - kept[0] < seconds):
        return kept[1]
    footer = _read()
    with _lock:
        _kept = (time.monotonic(), footer)
    return footer


def forget() -> None:
    """Read the footer afresh at its next use (after a change to the pages or the details)."""
    global _kept
    with _lock:
        _kept = None
