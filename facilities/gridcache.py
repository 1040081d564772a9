"""Free/busy grids kept by versions that every change of what they show renews (issue #20).

A room's week and the day view are the members' busiest pages. What is dear in them is the grid:
four reads (the office's settings, hours, closed days and the bookings), the Python that lays out
hundreds of cells and the template that writes them out. ``cached_grid`` keeps the built grid,
its HTML fragments included (``facilities.gridhtml``: the table and the phone's day lists), in
the "default" cache (the database, shared by every app server), so a kept grid costs the page
one string instead of a loop over its cells.

**Versions.** Short random tokens in the same cache (``facilities:grid-version:…``), each
renewed when what it covers changes:

- ``room:<room>:<date>``: the bookings of one room on one day (a booking's save or delete,
  whoever made it: a member, the desk, the admin, a series, an event's room booking);
- ``day:<date>``: the bookings of any room on that day (renewed with the room's), so the day
  view reads one version for all its rooms instead of one per room;
- ``all``: everything else a grid shows, for every room and day: the facility settings, opening
  hours, closed days, rooms, their time blocks and group names (a group's name shows on its own
  members' grids).

A room's week reads its seven room-days and ``all``; the day view its day and ``all``; each
together with the kept grid itself, in one ``get_many``. A kept entry holds the versions it was
built under and is served only while every one of them is still current, so a booking in one
room leaves the other rooms' kept weeks alone. Tokens are random, never counters: two writers can
never end on the same version, and a version that is missing (never written, expired, culled) is
written anew by the reader, which can only make kept grids stale.

**Written after commit.** A writer renews its versions in ``transaction.on_commit`` (at once when
it is not in a transaction), each key once per transaction, in one statement with the
transaction's other cache writes (``core.dbcache.set_after_commit``). Written inside the writer's
transaction, the version's cache row would stay locked until the commit: every schedule write
would queue behind every other, and two writers could deadlock through their other row locks.
After commit is right because of the order of things: a reader reads the versions first and
builds from data read after them. Between the writer's commit and its callback a reader can still
read the old version (and be served the kept grid from before the change), but that window lies
inside the writer's own request: once its response has gone (the redirect, the message), the new
version is written, and every grid kept under it was built from data read after it, so from data
that holds the change. A grid built from data newer than its key's version (read just before a
commit) is harmless: the version renewed after that commit makes it stale. A rolled-back
transaction renews nothing (its callbacks are dropped).

**Who looks**: signed in or not, staff or not, the viewer's groups and whether they may book (the
only things of the viewer a grid depends on: which bookings show their group's name, which are
"mine", which free slots link to the form), the language and today's date are in the entry's key,
so no one's grid is shown to anyone whose grid would differ.

**The clock.** A kept grid also holds the moment it goes stale by the clock: its first free (or
not yet open) slot still to start, which turns "past" then. From that moment it is built afresh;
a page kept whole for a signed-in viewer (``core.viewercache``) is told the same moment.

**Writes around the models.** A queryset ``update``, ``bulk_create`` or raw SQL sends no signal:
a write path that changes what a grid shows that way calls ``renew_bookings`` or
``renew_facility`` itself. ``GRID_CACHE_SECONDS`` (ten minutes; 0 = off) bounds anything else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import uuid
import zlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import get_language

from core import dbcache, viewercache
from facilities import schedule
from facilities.calendar import aware

CACHE_ALIAS = "default"
FACILITY_VERSION = "facilities:grid-version:all"
# Versions live a week unused: one that is gone is written anew (kept grids turn stale).
VERSION_SECONDS = 7 * 24 * 3600
# The kept entries are pickled Grid and Column objects and HTML strings: a release that changes
# those classes raises this, so that no server reads an entry of another shape.
GRID_FORMAT = 5  # 5: the GAP state, the booking periods with 「、」 (QA review)
UNREADABLE = (AttributeError, ImportError, TypeError, ValueError, EOFError, pickle.UnpicklingError)


def _seconds() -> int:
    return getattr(settings, "GRID_CACHE_SECONDS", 600)


# --- The versions ----------------------------------------------------------------------------


def room_day_version(room_id: int, day: dt.date) -> str:
    return f"facilities:grid-version:room:{room_id}:{day.isoformat()}"


def day_version(day: dt.date) -> str:
    return f"facilities:grid-version:day:{day.isoformat()}"


def _days_of(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The local days [start, end) touches (the grids place a booking on its first)."""
    first = timezone.localdate(start)
    last = max(first, timezone.localdate(end - dt.timedelta(microseconds=1)))
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def booking_versions(room_id: int, start: dt.datetime, end: dt.datetime) -> list[str]:
    """The versions a booking of ``room_id`` from ``start`` to ``end`` shows under."""
    keys = []
    for day in _days_of(start, end):
        keys += [room_day_version(room_id, day), day_version(day)]
    return keys


def renew(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Renew ``keys`` once the current transaction on ``using`` commits (at once outside one),
    in the one statement that writes the transaction's cache versions after its commit
    (``core.dbcache.set_after_commit``: the viewers' data version too). Several changes in one
    transaction write each key once."""
    keys = set(keys)
    if not keys:
        return
    dbcache.set_after_commit(
        CACHE_ALIAS, {key: uuid.uuid4().hex for key in sorted(keys)}, VERSION_SECONDS, using
    )


def renew_facility(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every kept grid stale after the commit (settings, hours, rooms, group names...)."""
    renew([FACILITY_VERSION], using)


def renew_bookings(bookings: Iterable, using: str = DEFAULT_DB_ALIAS) -> None:
    """For write paths that go around ``Booking.save`` (``bulk_create``, COPY, ``update``)."""
    keys = set()
    for booking in bookings:
        keys.update(booking_versions(booking.room_id, booking.start, booking.end))
    renew(keys, using)


# --- Reading ---------------------------------------------------------------------------------


def _viewer_key(viewer: schedule.Viewer) -> str:
    groups = ",".join(str(g) for g in sorted(viewer.group_ids))
    return f"{int(viewer.authenticated)}{int(viewer.staff)}{int(viewer.can_book)}:{groups}"


def _stale_at(grid: schedule.Grid, day_of, now: dt.datetime) -> dt.datetime | None:
    """When the clock turns one of the grid's free (or not yet open) slots into the past."""
    moments = [
        aware(day_of(column), dt.time()) + dt.timedelta(minutes=item.start)
        for column in grid.columns
        for item in column.items
        if item.state in (schedule.FREE, schedule.SHORT, schedule.GAP, schedule.NOT_OPEN)
    ]
    future = [moment for moment in moments if moment > now]
    return min(future) if future else None


def _read(cache, key: str, names: list[str]) -> tuple[dict | None, dict]:
    try:
        found = cache.get_many([key, *names])
    except UNREADABLE:
        # Kept by a release whose classes differ (and GRID_FORMAT was not raised).
        return None, cache.get_many(names)
    return found.pop(key, None), found


def _current(cache, names: list[str], found: dict) -> tuple[str, ...]:
    """The versions, a missing one written anew (a fresh token: only ever makes grids stale)."""
    current = []
    for name in names:
        version = found.get(name)
        if version is None:
            version = uuid.uuid4().hex
            cache.set(name, version, VERSION_SECONDS)
        current.append(version)
    return tuple(current)


def cached_grid(
    what: str,
    viewer: schedule.Viewer,
    build: Callable,
    *,
    versions: list[str],
    day_of: Callable,
):
    """``build()``'s result, kept as described above. ``build`` returns a Grid with its
    ``html``, or a tuple whose last element is that Grid; ``versions`` are the room-day or day
    versions it shows under (the facility's is added); ``day_of(column)`` is a column's date.
    A kept grid comes back without its rows and items (``Grid.kept``): its HTML holds them."""
    seconds = _seconds()
    now = timezone.now()
    if seconds <= 0:
        value = build()
        viewercache.kept_until(_stale_at(_grid_of(value), day_of, now))
        return value
    raw = ":".join(
        [what, _viewer_key(viewer), get_language() or "", timezone.localdate(now).isoformat()]
    )
    key = f"grid:{GRID_FORMAT}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    names = [FACILITY_VERSION, *versions]
    cache = caches[CACHE_ALIAS]
    kept, found = _read(cache, key, names)
    current = _current(cache, names, found)
    if (
        isinstance(kept, dict)
        and kept.get("versions") == current
        and (kept["stale_at"] is None or now < kept["stale_at"])
    ):
        value = kept["value"]
        _grid_of(value).html = pickle.loads(zlib.decompress(kept["html"]))
        viewercache.kept_until(kept["stale_at"])
        return value
    value = build()
    grid = _grid_of(value)
    slim = grid.kept()
    slim.html = {}
    entry = {
        "value": (*value[:-1], slim) if isinstance(value, tuple) else slim,
        # The HTML is most of an entry (a day of 36 rooms: some 230 kB), and repetitive:
        # compressed, it is read and decoded several times faster.
        "html": zlib.compress(pickle.dumps(grid.html, pickle.HIGHEST_PROTOCOL), 1),
        "versions": current,
        "stale_at": _stale_at(grid, day_of, now),
    }
    cache.set(key, entry, seconds)
    viewercache.kept_until(entry["stale_at"])
    return value


def _grid_of(value) -> schedule.Grid:
    return value[-1] if isinstance(value, tuple) else value


# --- What renews them --------------------------------------------------------------------------

BOOKING_PLACE = frozenset({"room", "room_id", "start", "end"})
# What of a booking a grid shows (a save of other fields only, such as the reminder's stamp or
# the office's notes, leaves the grids alone).
BOOKING_SHOWN = BOOKING_PLACE | {"status", "kind", "purpose", "group", "group_id"}


def _booking_saved(sender, instance, using, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not BOOKING_SHOWN & set(update_fields):
        return
    keys = booking_versions(instance.room_id, instance.start, instance.end)
    old = instance.__dict__.pop("_grid_old_place", None)
    if old is not None:
        keys += booking_versions(*old)
    renew(keys, using)


def _booking_moving(sender, instance, using, update_fields=None, **kwargs) -> None:
    """A booking changed to another room or time leaves its old place too: read it before the
    save (only when the save may move it), renewed with the new place after it."""
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not BOOKING_PLACE & set(update_fields):
        return
    old = sender._base_manager.using(using).filter(pk=instance.pk)
    for place in old.values_list("room_id", "start", "end"):
        if place != (instance.room_id, instance.start, instance.end):
            instance._grid_old_place = place


def _facility_changed(sender, instance=None, using=None, **kwargs) -> None:
    renew_facility(using or router.db_for_write(sender, instance=instance))


def _group_saved(sender, instance, using, created=False, update_fields=None, **kwargs) -> None:
    """A group's name shows on its members' grids; a new group has no bookings yet."""
    if created or (update_fields is not None and "name" not in update_fields):
        return
    renew_facility(using)


def connect() -> None:
    """Renew the versions on every save and delete of what a grid shows (facilities.apps)."""
    from facilities.models import (
        Booking,
        ClosedDay,
        FacilitySettings,
        OpeningHours,
        Room,
        TimeBlock,
    )
    from groups.models import Group

    uid = "facilities.gridcache"
    pre_save.connect(_booking_moving, sender=Booking, dispatch_uid=f"{uid}.Booking.move")
    post_save.connect(_booking_saved, sender=Booking, dispatch_uid=f"{uid}.Booking.save")
    post_delete.connect(_booking_saved, sender=Booking, dispatch_uid=f"{uid}.Booking.delete")
    for model in (ClosedDay, FacilitySettings, OpeningHours, Room, TimeBlock):
        name = f"{uid}.{model.__name__}"
        post_save.connect(_facility_changed, sender=model, dispatch_uid=f"{name}.save")
        post_delete.connect(_facility_changed, sender=model, dispatch_uid=f"{name}.delete")
    post_save.connect(_group_saved, sender=Group, dispatch_uid=f"{uid}.Group.save")
    post_delete.connect(_facility_changed, sender=Group, dispatch_uid=f"{uid}.Group.delete")
