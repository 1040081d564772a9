"""Free/busy grids kept by a version that every change of what they show renews (issue #20).

A room's week and the day view are the members' busiest pages, and they are never kept whole
(signed-in people get fresh pages). What is dear in them is the grid: four reads (the office's
settings, hours, closed days and the bookings) and the Python that lays out hundreds of cells.
``cached_grid`` keeps the built grid in the "default" cache (the database, shared by every app
server) under a key made of:

- **the schedule version**: one short token in the same cache, replaced by a new random one
  whenever a booking, series, closed day, opening hour, the facility settings, a room, its time
  blocks or a group (its name shows on its own members' grids) is saved or deleted, whatever
  made the change (a member, the desk, the admin, a series, an event's room booking, the
  office). The new token is written through the writer's own database connection, inside its
  transaction: readers see it exactly when they can see the change, and never a grid built
  before it under the new token. A random token (not a counter) means two writers can never
  end on the same version;
- **what the grid is of**: the room and week, or the day;
- **who looks**: signed in or not, staff or not, the viewer's groups and whether they may book
  (the only things of the viewer a grid depends on: which bookings show their group's name,
  which are "mine", which free slots link to the form), so no one's grid is shown to anyone
  whose grid would differ;
- the language and today's date.

A kept grid also holds the moment it goes stale by the clock: its first free (or not yet open)
slot still to start, which turns "past" then. From that moment it is built afresh.

Changes that reach the database without a model's save or delete (a queryset ``update``, a
``bulk_create``, raw SQL, another program) do not renew the version: no write path of the
portal does that to what a grid shows; ``GRID_CACHE_SECONDS`` (ten minutes) bounds the harm.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from facilities import schedule
from facilities.calendar import aware

VERSION_KEY = "facilities:schedule-version"
CACHE_ALIAS = "default"
# The kept grids are pickled Grid, Column, Item (and Booking, Room) objects: a release that
# changes those classes raises this, so that no server reads a grid of another shape.
GRID_FORMAT = 1


def _seconds() -> int:
    return getattr(settings, "GRID_CACHE_SECONDS", 600)


def renew_version(**kwargs) -> None:
    """Make every kept grid stale (a signal receiver; also callable by hand)."""
    caches[CACHE_ALIAS].set(VERSION_KEY, uuid.uuid4().hex, None)


def schedule_version() -> str:
    cache = caches[CACHE_ALIAS]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _viewer_key(viewer: schedule.Viewer) -> str:
    groups = ",".join(str(g) for g in sorted(viewer.group_ids))
    return f"{int(viewer.authenticated)}{int(viewer.staff)}{int(viewer.can_book)}:{groups}"


def _stale_at(grid: schedule.Grid, day_of, now: dt.datetime) -> dt.datetime | None:
    """When the clock turns one of the grid's free (or not yet open) slots into the past."""
    moments = [
        aware(day_of(column), dt.time()) + dt.timedelta(minutes=item.start)
        for column in grid.columns
        for item in column.items
        if item.state in (schedule.FREE, schedule.NOT_OPEN)
    ]
    future = [moment for moment in moments if moment > now]
    return min(future) if future else None


def _render_cells(grid: schedule.Grid) -> None:
    """Each cell's HTML made once, when the grid is built, and kept with it: the template's
    ``{{ cell.td }}`` then reads the string (an instance attribute hides the method) instead of
    formatting hundreds of cells on every request. The cell depends only on what the key holds
    (the item, the viewer's links and groups, the language)."""
    for row in grid.rows:
        for cell in row.cells:
            if cell is not None and "td" not in vars(cell):
                cell.td = cell.td()


def cached_grid(what: str, viewer: schedule.Viewer, build, *, day_of):
    """``build()``'s result, kept as described above. ``build`` returns a Grid or a tuple whose
    last element is the Grid; ``day_of(column)`` is the date a column shows."""
    seconds = _seconds()
    if seconds <= 0:
        return build()
    now = timezone.now()
    raw = ":".join(
        [what, _viewer_key(viewer), get_language() or "", timezone.localdate(now).isoformat()]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:40]
    key = f"grid:{GRID_FORMAT}:{schedule_version()}:{digest}"
    cache = caches[CACHE_ALIAS]
    try:
        kept = cache.get(key)
    except (AttributeError, ImportError, TypeError, ValueError, EOFError, pickle.UnpicklingError):
        kept = None  # kept by a release whose classes differ (and GRID_FORMAT was not raised)
    if kept is not None and (kept["stale_at"] is None or now < kept["stale_at"]):
        return kept["value"]
    value = build()
    grid = value[-1] if isinstance(value, tuple) else value
    _render_cells(grid)
    cache.set(key, {"value": value, "stale_at": _stale_at(grid, day_of, now)}, seconds)
    return value


def connect() -> None:
    """Renew the version on every save and delete of what a grid shows (facilities.apps)."""
    from facilities.models import (
        Booking,
        BookingSeries,
        ClosedDay,
        FacilitySettings,
        OpeningHours,
        Room,
        TimeBlock,
    )
    from groups.models import Group

    for model in (
        Booking,
        BookingSeries,
        ClosedDay,
        FacilitySettings,
        OpeningHours,
        Room,
        TimeBlock,
        Group,
    ):
        uid = f"facilities.gridcache.{model.__name__}"
        post_save.connect(renew_version, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(renew_version, sender=model, dispatch_uid=f"{uid}.delete")
