"""Reading other apps' objects for the home page, the events feed and the digest.

Events and rooms belong to other apps, which hand them over through their selectors
(``events.selectors.upcoming``, ``facilities.selectors.today_overview``). Only a few
attributes are needed here, read defensively so that a renamed field hides one line of the home
page instead of breaking it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)

EVENT_START_ATTRS = ("starts_at", "start", "start_at", "begins_at", "date", "starts_on", "day")
EVENT_LIMIT_FOR_DIGEST = 200


@dataclass(frozen=True)
class EventSummary:
    title: str
    url: str
    start: dt.datetime | dt.date | None
    place: str = ""
    description: str = ""
    pk: object = None

    @property
    def start_date(self) -> dt.date | None:
        if isinstance(self.start, dt.datetime):
            return (
                timezone.localtime(self.start).date()
                if timezone.is_aware(self.start)
                else (self.start.date())
            )
        return self.start

    @property
    def has_time(self) -> bool:
        return isinstance(self.start, dt.datetime)


@dataclass(frozen=True)
class RoomSummary:
    name: str
    url: str
    status: str


def _get(obj, *names, default=None):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if callable(value) and not isinstance(value, (str, dt.date)):
            try:
                value = value()
            except TypeError:
                continue
        if value not in (None, ""):
            return value
    return default


def _url(obj) -> str:
    url = _get(obj, "url", "get_absolute_url", default="")
    return str(url) if url else ""


def event_summary(obj) -> EventSummary:
    start = _get(obj, *EVENT_START_ATTRS)
    if not isinstance(start, (dt.date, dt.datetime)):
        start = None
    place = _get(obj, "place", "venue", "location", "room", default="")
    return EventSummary(
        title=str(_get(obj, "title", "name", default=str(obj))),
        url=_url(obj),
        start=start,
        place=str(place) if place else "",
        description=str(_get(obj, "summary", "description", default="")),
        pk=_get(obj, "pk", "id"),
    )


def room_summary(obj) -> RoomSummary:
    room = _get(obj, "room")
    name = _get(obj, "room_name", "name", default=None) or (str(room) if room else "")
    status = _get(obj, "status_text", "status_label", "status", "label", default="")
    url = _url(obj) or (_url(room) if room is not None else "")
    return RoomSummary(name=str(name), url=url, status=str(status))


def upcoming_events(limit: int = 5) -> list[EventSummary]:
    from events import selectors

    try:
        return [event_summary(e) for e in selectors.upcoming(limit)]
    except Exception:  # another app's bug must not take the home page down
        logger.exception("events.selectors.upcoming failed")
        return []


def events_between(start: dt.date, end: dt.date) -> list[EventSummary]:
    """Upcoming events whose first day lies in [start, end], soonest first."""
    found = [
        e
        for e in upcoming_events(EVENT_LIMIT_FOR_DIGEST)
        if e.start_date is not None and start <= e.start_date <= end
    ]
    return sorted(found, key=lambda e: e.start_date)


def rooms_today() -> list[RoomSummary]:
    from facilities import selectors

    try:
        return [room_summary(r) for r in selectors.today_overview()]
    except Exception:
        logger.exception("facilities.selectors.today_overview failed")
        return []
