"""Bookings that already happened, recorded in bulk: the office's past (the demo's years, or
an import of a paper ledger) written with the same rules as ``booking_create`` and the desk.

Each row tells a booking's whole life: asked for at ``requested_at`` by ``booked_by``,
approved or declined by staff when the room or equipment needs approval, then cancelled, used
(with its headcount) or missed. ``bookings_record_bulk`` checks per row what the one-by-one
services check for the data (a status the booking can reach, opening hours and closed days,
the room's capacity, equipment stock at every moment, a group registered when it asked) and,
for the whole batch in a few queries, what applies to a request a member made online (the
member's group, no no-show suspension then, the monthly hour limits); it leaves overlaps to the
exclusion constraint. The checks live in ``history_checks``. It writes the bookings (with COPY),
their equipment and one audit row per step (dated when the step happened) in one transaction, in
chunks. ``booked_by`` None or staff:
taken at the desk or on the phone, where the fairness rules do not apply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import psycopg.errors
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import viewercache
from core.audit import log_actions_bulk
from core.fiscal import TOKYO
from facilities import gridcache
from facilities.calendar import OfficeCalendar
from facilities.models import (
    Booking,
    BookingEquipment,
    Equipment,
    FacilitySettings,
    Room,
    WalkInCount,
)
from facilities.rules import BookingError, check_attendees, local_time
from facilities.services._common import require_staff
from facilities.services.history_checks import (
    check_groups,
    check_monthly_limits,
    check_stock,
    check_times,
)
from groups.models import Group

CHUNK = 5000
S = Booking.Status


@dataclass
class PastBooking:
    """One booking's life, as staff and the group lived it."""

    room: Room
    start: dt.datetime
    end: dt.datetime
    purpose: str
    attendees: int
    outcome: str  # the status it ends in: requested, confirmed, cancelled, rejected, used, no_show
    requested_at: dt.datetime
    group: Group | None = None
    kind: str = Booking.Kind.GROUP
    booked_by: object = None
    equipment: dict[Equipment, int] = field(default_factory=dict)
    headcount: int | None = None
    printing_masters: int = 0
    printing_sheets: int = 0
    reason: str = ""


def _steps(row: PastBooking, staff, now: dt.datetime) -> list[tuple[str, object, dt.datetime]]:
    """The audit steps of ``row`` (action, actor, when), or BookingError if the product could
    not have brought the booking to its outcome."""
    office = row.kind != Booking.Kind.GROUP
    needs_approval = not office and (
        row.room.requires_approval or any(e.requires_approval for e in row.equipment)
    )
    asked = row.requested_at
    if asked > now or asked > row.start:
        raise BookingError(_("A booking is asked for before it starts."), code="past")
    booked_by = staff if office else row.booked_by
    steps = [("facilities.booking_create", booked_by, asked)]
    outcome = row.outcome
    decided = min(asked + dt.timedelta(days=1), row.start, now)
    if outcome == S.REJECTED:
        if not needs_approval:
            raise BookingError(_("Only requests awaiting approval can be declined."), code="status")
        return [*steps, ("facilities.booking_reject", staff, decided)]
    if outcome == S.REQUESTED:
        if not needs_approval or row.end <= now:
            raise BookingError(
                _("Only a coming booking that needs approval can await it."), code="status"
            )
        return steps
    if needs_approval:
        steps.append(("facilities.booking_approve", staff, decided))
    if outcome == S.CONFIRMED:
        return steps
    if outcome == S.CANCELLED:
        when = min(row.start - dt.timedelta(hours=1), now)
        return [*steps, ("facilities.booking_cancel", booked_by, max(when, decided))]
    if outcome in (S.USED, S.NO_SHOW):
        if row.start > now:
            raise BookingError(
                _("Use can be recorded once the booking has started."), code="future"
            )
        if outcome == S.NO_SHOW:
            return [*steps, ("facilities.booking_mark_no_show", staff, min(row.end, now))]
        if row.headcount is None or min(row.headcount, row.printing_masters,
                                        row.printing_sheets) < 0:  # fmt: skip
            raise BookingError(_("Numbers cannot be negative."), code="numbers")
        return [*steps, ("facilities.booking_record_usage", staff, min(row.end, now))]
    raise BookingError(_("Unknown status."), code="status")


def bookings_record_bulk(*, actor, rows: list[PastBooking], now: dt.datetime | None = None) -> int:
    """Record ``rows`` (bookings that happened, or are booked, as of ``now``); returns how many.

    Raises ``BookingError`` naming the first row the services would not have let happen; then
    nothing is written."""
    require_staff(actor)
    now = now or timezone.now()
    if not rows:
        return 0
    days = [local_time(r.start).date() for r in rows]
    cal = OfficeCalendar.load(min(days), max(days))
    plans = []
    for row in rows:
        check_times(row, cal)
        check_attendees(room=row.room, attendees=row.attendees)
        plans.append(_steps(row, actor, now))
    check_groups(rows)
    written = 0
    with transaction.atomic():
        # The same lock order as booking_create: rooms, then equipment rows by primary key.
        list(Room.objects.select_for_update().filter(pk__in={r.room.pk for r in rows}))
        equipment_ids = sorted({e.pk for r in rows for e in r.equipment})
        list(Equipment.objects.select_for_update().filter(pk__in=equipment_ids).order_by("pk"))
        check_stock(rows)
        check_monthly_limits(rows, FacilitySettings.load())
        for offset in range(0, len(rows), CHUNK):
            chunk = rows[offset : offset + CHUNK]
            chunk_plans = plans[offset : offset + CHUNK]
            bookings = [
                _booking(row, steps, actor) for row, steps in zip(chunk, chunk_plans, strict=True)
            ]
            try:
                with transaction.atomic():
                    _insert_bookings(bookings, chunk_plans)
                    # COPY sends no signal: the kept grids and pages are renewed (after commit).
                    gridcache.renew_bookings(bookings)
                    viewercache.renew_data_version()
            except psycopg.errors.ExclusionViolation as exc:
                raise BookingError(_("Two bookings of one room overlap."), code="clash") from exc
            _copy_rows(
                BookingEquipment,
                ("booking_id", "equipment_id", "quantity"),
                (
                    (b.pk, e.pk, q)
                    for b, row in zip(bookings, chunk, strict=True)
                    for e, q in row.equipment.items()
                ),
            )
            log_actions_bulk(
                (when, who, action, booking, _audit_data(action, row))
                for booking, row, steps in zip(bookings, chunk, chunk_plans, strict=True)
                for action, who, when in steps
            )
            written += len(bookings)
    return written


BOOKING_COLUMNS = (
    "id", "kind", "status", "start", "end", "period", "purpose", "attendees", "actual_headcount",
    "printing_masters", "printing_sheets", "staff_notes", "status_reason", "decided_at",
    "reminder_sent_at", "created_at", "updated_at", "booked_by_id", "decided_by_id", "group_id",
    "series_id", "room_id",
)  # fmt: skip


def _copy_rows(model, columns, rows) -> None:
    """COPY ``rows`` (tuples in the order of ``columns``) into ``model``'s table: hundreds of
    thousands of rows without building an INSERT statement for each chunk."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({quoted}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _insert_bookings(bookings: list[Booking], plans) -> None:
    """Write ``bookings`` with COPY, their ids drawn from the table's sequence first (the
    exclusion constraint and the checks are the database's, as for an INSERT)."""
    table = Booking._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(bookings)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    for booking, pk in zip(bookings, ids, strict=True):
        booking.pk = pk
        booking._state.adding, booking._state.db = False, connection.alias
    _copy_rows(
        Booking,
        BOOKING_COLUMNS,
        (
            (b.pk, b.kind, b.status, b.start, b.end,
             f"[{b.period.lower.isoformat()},{b.period.upper.isoformat()})", b.purpose,
             b.attendees, b.actual_headcount, b.printing_masters, b.printing_sheets, "",
             b.status_reason, b.decided_at, None, b.created_at, steps[-1][2], b.booked_by_id,
             b.decided_by_id, b.group_id, None, b.room_id)
            for b, steps in zip(bookings, plans, strict=True)
        ),
    )  # fmt: skip


def _booking(row: PastBooking, steps, staff) -> Booking:
    decisions = ("facilities.booking_approve", "facilities.booking_reject")
    decision = next((s for s in steps if s[0] in decisions), None)
    office = row.kind != Booking.Kind.GROUP
    return Booking(
        room=row.room, group=row.group, kind=row.kind, status=row.outcome,
        start=row.start, end=row.end,
        period=Booking.period_for(row.start, row.end, row.room.buffer_minutes),
        purpose=row.purpose.strip()[:200], attendees=row.attendees,
        actual_headcount=row.headcount if row.outcome == S.USED else None,
        printing_masters=row.printing_masters if row.outcome == S.USED else 0,
        printing_sheets=row.printing_sheets if row.outcome == S.USED else 0,
        booked_by=staff if office else row.booked_by,
        status_reason=row.reason[:300] if row.outcome in (S.CANCELLED, S.REJECTED) else "",
        decided_by=staff if office or decision else None,
        decided_at=row.requested_at if office else (decision[2] if decision else None),
        created_at=row.requested_at,
    )  # fmt: skip


def _audit_data(action: str, row: PastBooking) -> dict:
    if action == "facilities.booking_create":
        status = S.REQUESTED if _needs_approval(row) else S.CONFIRMED
        return {"status": status, "kind": str(row.kind),
                "group": row.group.pk if row.group else None,
                "equipment": {e.name: q for e, q in row.equipment.items()}}  # fmt: skip
    if action == "facilities.booking_record_usage":
        return {"headcount": row.headcount, "printing_masters": row.printing_masters,
                "printing_sheets": row.printing_sheets}  # fmt: skip
    if action in ("facilities.booking_reject", "facilities.booking_cancel"):
        return {"reason": row.reason}
    return {}


def _needs_approval(row: PastBooking) -> bool:
    return row.kind == Booking.Kind.GROUP and (
        row.room.requires_approval or any(e.requires_approval for e in row.equipment)
    )


def walk_ins_record_bulk(
    *, actor, counts: dict[dt.date, int], now: dt.datetime | None = None
) -> int:
    """Record the walk-in visitors counted on past days (``walk_in_set`` for many days): no day
    still to come, no negative count; a day already counted keeps its count. Returns how many
    days were recorded."""
    require_staff(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    for day, count in counts.items():
        if day > today:
            raise BookingError(
                _("Visitors cannot be counted for a day still to come."), code="future"
            )
        if count < 0:
            raise BookingError(_("Numbers cannot be negative."), code="numbers")
    with transaction.atomic():
        known = set(
            WalkInCount.objects.filter(date__in=list(counts)).values_list("date", flat=True)
        )
        rows = WalkInCount.objects.bulk_create(
            WalkInCount(date=day, count=count, recorded_by=actor)
            for day, count in sorted(counts.items())
            if day not in known
        )
        log_actions_bulk(
            # Counted at the day's closing (or now, for today).
            (min(dt.datetime.combine(row.date, dt.time(21), tzinfo=TOKYO), now), actor,
             "facilities.walk_in_set", row, {"count": row.count})
            for row in rows
        )  # fmt: skip
    return len(rows)
