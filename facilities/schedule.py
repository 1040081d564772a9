"""Free/busy grids: one column per day (a room's week) or per room (a day), rows by time.

Each column is a list of ``Item``s (a booking, a free slot, a closed day...) in minutes after
midnight; ``build_grid`` lays them on common rows, one row per step of the finest boundary, and
gives each item a ``rowspan`` so that the HTML table has one cell per item (and ``<th
scope="row">`` time headers, ``<th scope="col">`` day or room headers).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from facilities.calendar import OfficeCalendar, aware, minutes_of
from facilities.models import Booking, Room

FREE = "free"
# Free, but a booking of the room's shortest length cannot start here (it would run into a
# booking, its tidy-up time or closing): shown as free time, never as a start to tap.
SHORT = "short"
BOOKED = "booked"
BUFFER = "buffer"  # the room's tidy-up time after a booking
# Free, but within the tidy-up time before a booking: no booking can start, end or run here
# (its own tidy-up would reach the next booking).
GAP = "gap"
PAST = "past"
NOT_OPEN = "not-open"
CLOSED = "closed"
OUTSIDE = "outside"


@dataclass
class Viewer:
    """Who looks at a grid: decides links and whether group names show."""

    authenticated: bool = False
    staff: bool = False
    group_ids: frozenset[int] = frozenset()
    can_book: bool = False

    def sees_group_of(self, booking: Booking) -> bool:
        return self.staff or (booking.group_id is not None and booking.group_id in self.group_ids)


@dataclass
class Item:
    start: int  # minutes after midnight
    end: int
    state: str
    label: str = ""
    booking: Booking | None = None
    show_group: bool = False
    url: str = ""
    slot_start: dt.datetime | None = None
    slot_end: dt.datetime | None = None
    whole_day: bool = False
    rowspan: int = 1
    note: str = ""  # a block's label (午前 / 午後 / 夜間)

    mine: bool = False  # a booking of one of the viewer's groups

    @property
    def time_text(self) -> str:
        return f"{_hm(self.start)}–{_hm(self.end)}"

    def td(self) -> SafeString:
        """The grid cell as HTML. Built here rather than in a template: a day of every room has
        hundreds of cells, and the template language made them most of the page's time."""
        classes = f"slot--{self.state}" + (" slot--mine" if self.mine else "")
        span = format_html(' rowspan="{}"', self.rowspan) if self.rowspan > 1 else ""
        return format_html('<td class="{}"{}>{}</td>', classes, span, self._content())

    def _content(self) -> SafeString:
        note = format_html('<span class="slot__status">{}</span>', self.note) if self.note else ""
        if self.state == FREE:
            if self.url:
                return format_html(
                    '<a href="{}">{}<span class="visually-hidden"> {} {}</span></a>{}',
                    self.url, _("Free"), self.time_text, _("book"), note,
                )  # fmt: skip
            return format_html(
                '{}<span class="visually-hidden"> {}</span>{}', _("Free"), self.time_text, note
            )
        if self.state in (SHORT, GAP):
            return format_html(
                '{}<span class="visually-hidden"> {}</span>{}', self.label, self.time_text, note
            )
        if self.state == BOOKED:
            waiting = ""
            if self.show_group and self.booking.status == Booking.Status.REQUESTED:
                waiting = format_html(
                    '<span class="slot__status">（{}）</span>', _("awaiting approval")
                )
            return format_html(
                '<span class="slot__status">{}</span>{}{}', self.time_text, self.label, waiting
            )
        if self.state == CLOSED:
            return format_html('{}<span class="slot__status">{}</span>', _("Closed"), self.label)
        if self.state == OUTSIDE:
            return format_html(
                '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>',
                _("Not bookable"),
            )
        return format_html("{}{}", self.label, note)


@dataclass
class Column:
    key: str
    heading: str
    items: list[Item]
    day: dt.date | None = None
    room: Room | None = None
    url: str = ""
    note: str = ""
    closed: bool = False  # closed all day (one whole-day item)


@dataclass
class Row:
    minute: int
    cells: list[Item | None] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _hm(self.minute)


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    # The grid's HTML fragments (facilities.gridhtml), written once when it is built.
    html: dict[str, str] = field(default_factory=dict)

    def kept(self) -> Grid:
        """What a kept grid holds (facilities.gridcache): its columns' keys, headings, days and
        links and its HTML, without the rows, items and rooms the HTML was written from."""
        columns = [replace(column, items=[], room=None) for column in self.columns]
        return Grid(columns=columns, rows=[], html=self.html)


def _hm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def book_url(path: str, start: dt.datetime, end: dt.datetime) -> str:
    """The booking form at ``path`` (reversed once per grid: hundreds of free slots link to it)
    for [start, end) in local time, e.g. ``?start=2026-05-04T09%3A00&end=2026-05-04T10%3A00``."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{path}?start={start:%Y-%m-%dT%H}%3A{start:%M}&end={end:%Y-%m-%dT%H}%3A{end:%M}"


def _booking_label(booking: Booking, visible: bool) -> str:
    if booking.kind == Booking.Kind.MAINTENANCE:
        return _("Not available")
    if booking.kind in (Booking.Kind.EVENT, Booking.Kind.OFFICE):
        return booking.purpose
    if visible and booking.group is not None:
        return booking.group.name
    return _("Booked")


def column_items(
    *,
    room: Room,
    day: dt.date,
    bookings: list[Booking],
    cal: OfficeCalendar,
    now: dt.datetime,
    viewer: Viewer,
    window_last_day: dt.date | None,
) -> list[Item]:
    """What ``room`` looks like on ``day``: bookings, free slots, buffers, closures."""
    reason = cal.closed_reason(day, room.pk)
    if reason:
        return [Item(0, 0, CLOSED, label=reason, whole_day=True)]
    opens, closes = (minutes_of(t) for t in cal.hours_on(day, room.pk))
    midnight = aware(day, dt.time())
    items: list[Item] = []
    held: list[tuple[int, int]] = []  # periods held, buffer included, in minutes
    buffer = room.buffer_minutes
    for booking in bookings:
        start = int((booking.start - midnight).total_seconds() // 60)
        end = int((booking.end - midnight).total_seconds() // 60)
        start, end = max(start, 0), min(end, 24 * 60)
        if end <= start:
            continue
        visible = viewer.sees_group_of(booking)
        items.append(
            Item(
                start,
                end,
                BOOKED,
                label=_booking_label(booking, visible),
                booking=booking,
                show_group=visible,
                mine=visible and booking.group_id in viewer.group_ids,
            )
        )
        held.append((start, end + buffer))
    if room.uses_blocks:
        units = [(minutes_of(b.starts), minutes_of(b.ends), b.label) for b in room.blocks.all()]
        units = [
            (max(s, opens), min(e, closes), label)
            for s, e, label in units
            if s < closes and e > opens
        ]
        length = 0
    else:
        slot = room.slot_minutes
        first = math.ceil(opens / slot) * slot
        units = [(t, t + slot, "") for t in range(first, closes - slot + 1, slot)]
        # A free slot links to a booking of the shortest allowed length.
        length = max(slot, room.min_minutes)
    booked = [(i.start, i.end) for i in items]
    book_path = reverse("facilities:book", kwargs={"slug": room.slug})
    for start, end, label in units:
        if any(s < end and e > start for s, e in booked):
            continue
        slot_start = midnight + dt.timedelta(minutes=start)
        slot_end = midnight + dt.timedelta(minutes=end)
        if any(s < end and e > start for s, e in held):
            # Tidy-up time is the room's buffer after a booking (``held`` ends with it).
            items.append(Item(start, end, BUFFER, label=_("Tidy-up time"), note=label))
        elif slot_start < now:
            items.append(Item(start, end, PAST, label=_("Past"), note=label))
        elif window_last_day is not None and day > window_last_day:
            items.append(Item(start, end, NOT_OPEN, label=_("Not open yet"), note=label))
        elif any(s < end + buffer and e > start for s, e in held):
            # Free, but too close to the next booking: any booking here would eat into the
            # tidy-up time it must leave. Not that booking's tidy-up, so not labelled as one.
            items.append(
                Item(start, end, GAP, label=_("Free, the gap before the next booking"),
                     note=label)
            )  # fmt: skip
        elif length and (
            start + length > closes
            or any(s < start + length + buffer and e > start for s, e in held)
        ):
            # The booking form would refuse the shortest booking from here (length or clash).
            items.append(Item(start, end, SHORT, label=_("Free, no start here"), note=label))
        else:
            url = ""
            if viewer.can_book or not viewer.authenticated:
                until = start + length if length else end
                url = book_url(book_path, slot_start, midnight + dt.timedelta(minutes=until))
            items.append(
                Item(start, end, FREE, label=_("Free"), url=url, slot_start=slot_start,
                     slot_end=slot_end, note=label)
            )  # fmt: skip
    items.sort(key=lambda i: (i.start, i.end))
    _label_short(items)
    return _merge_quiet(items)


def _label_short(items: list[Item]) -> None:
    """A short slot right after a start (or after such a slot) is the end of a longer booking;
    one on its own is a gap too short to book at all."""
    joined = False
    for n, item in enumerate(items):
        if item.state == FREE:
            joined = True
        elif item.state == SHORT:
            if not (joined and n and items[n - 1].end == item.start):
                joined = False
                item.label = _("Free, too short to book")
        else:
            joined = False


QUIET = (PAST, NOT_OPEN)


def _merge_quiet(items: list[Item]) -> list[Item]:
    """Touching past (or not yet open) slots become one cell: less to read, fewer cells."""
    merged: list[Item] = []
    for item in items:
        last = merged[-1] if merged else None
        if (
            last is not None
            and item.state in QUIET
            and last.state == item.state
            and last.end == item.start
            and not item.note
        ):
            last.end = item.end
            continue
        merged.append(item)
    return merged


def build_grid(columns: list[Column]) -> Grid:
    """Lay the columns' items on shared rows; gaps become "outside hours" cells."""
    for column in columns:
        column.closed = bool(column.items and column.items[0].whole_day)
    bounds = {m for c in columns for i in c.items if not i.whole_day for m in (i.start, i.end)}
    if not bounds:
        # Every column closed all day: one row, one cell per column.
        row = Row(minute=-1)
        for column in columns:
            item = column.items[0] if column.items else Item(0, 0, CLOSED, whole_day=True)
            item.rowspan = 1
            row.cells.append(item)
        return Grid(columns=columns, rows=[row])
    first, last = min(bounds), max(bounds)
    step = 0
    for m in bounds:
        step = math.gcd(step, m - first)
    # One row per step of the finest boundary, so that every item starts and ends on a row
    # (a coarser step would drop the items between its rows). Boundaries finer than 5 minutes
    # (odd opening hours or blocks) get rows of their own between the 5-minute rows.
    step = max(step or 60, 5)
    minutes = sorted(set(range(first, last, step)) | (bounds - {last}))
    rows = [Row(minute=m) for m in minutes]
    index = {row.minute: n for n, row in enumerate(rows)}
    for column in columns:
        placed: dict[int, Item] = {}
        covered: set[int] = set()
        if column.items and column.items[0].whole_day:
            item = column.items[0]
            item.rowspan = len(rows)
            placed[0] = item
            covered = set(range(len(rows)))
        else:
            # Bookings first: should anything overlap one, the booking keeps its cells.
            for item in sorted(column.items, key=lambda i: i.state != BOOKED):
                if item.start not in index:
                    continue
                top = index[item.start]
                span = max(1, index.get(item.end, len(rows)) - top)
                if any(r in covered for r in range(top, top + span)):
                    continue
                item.rowspan = span
                placed[top] = item
                covered.update(range(top, top + span))
        n = 0
        while n < len(rows):
            if n in placed:
                rows[n].cells.append(placed[n])
                n += placed[n].rowspan
                continue
            gap_end = n
            while gap_end < len(rows) and gap_end not in covered:
                gap_end += 1
            until = rows[gap_end].minute if gap_end < len(rows) else last
            filler = Item(rows[n].minute, until, OUTSIDE, label="—")
            filler.rowspan = gap_end - n
            rows[n].cells.append(filler)
            for later in range(n + 1, gap_end):
                rows[later].cells.append(None)
            n = gap_end
        # Rows under a multi-row item get a None marker: the template skips them.
        for top, item in placed.items():
            for later in range(top + 1, top + item.rowspan):
                rows[later].cells.append(None)
    # Every row got exactly one entry per column, appended column by column, in column order.
    return Grid(columns=columns, rows=rows)


@dataclass
class DayPart:
    """A piece of a room's day in the phone list: a run of free slots (``free``) or one item
    (a booking, the tidy-up time, the past, a closure)."""

    free: list[Item] | None = None
    item: Item | None = None
    # The end of a run whose last slots cannot start a booking (the run's free time lasts
    # until then): said under the buttons, so that the last start is not a surprise.
    until: str = ""


def day_parts(items: list[Item]) -> list[DayPart]:
    """A day's items with touching free slots gathered into runs (one line of time buttons);
    the short slots after a run end it (no button), a short slot on its own is a line."""
    parts: list[DayPart] = []
    for item in items:
        run = parts[-1] if parts and parts[-1].free is not None else None
        touches = run is not None and run.free[-1].end == item.start and not run.until
        if item.state == FREE and touches:
            run.free.append(item)
        elif item.state == FREE:
            parts.append(DayPart(free=[item]))
        elif (
            item.state == SHORT
            and run is not None
            and (touches or (run.until and run.until == _hm(item.start)))
        ):
            run.until = _hm(item.end)
        else:
            parts.append(DayPart(item=item))
    return parts
