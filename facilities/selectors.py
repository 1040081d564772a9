"""Named reads of the facilities app (each with a fixed, small number of queries)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import jpholiday
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core import dates
from core.fiscal import FiscalYear
from core.models import AuditLog
from facilities import gridcache, gridhtml, schedule
from facilities.calendar import OfficeCalendar, add_months, aware, days_between, minutes_of
from facilities.models import (
    Booking,
    BookingEquipment,
    ClosedDay,
    Equipment,
    EquipmentLoan,
    EquipmentLoanItem,
    FacilitySettings,
    GroupCalendarFeed,
    NoShowSuspension,
    OpeningHours,
    Room,
    WalkInCount,
)
from facilities.permissions import bookable_groups, can_cancel_booking, can_reset_feed
from groups.models import Group, Membership


def _rooms():
    return Room.objects.active().prefetch_related("blocks")


def _live_bookings_between(first: dt.date, last: dt.date, rooms=None):
    qs = (
        Booking.objects.live()
        .overlapping(aware(first, dt.time()), aware(last + dt.timedelta(days=1), dt.time()))
        .select_related("group")
        .order_by("start")
    )
    if rooms is not None:
        qs = qs.filter(room__in=rooms)
    return qs


def viewer_for(user) -> schedule.Viewer:
    if not (user and user.is_authenticated):
        return schedule.Viewer()
    staff = is_office_staff(user)
    # One query for both (issue #20): the viewer's groups, and whether one of them is registered
    # (what bookable_groups asks of a member: Group.objects.registered().with_member(user)).
    memberships = list(
        Membership.objects.filter(user=user).values_list("group_id", "group__status")
    )
    group_ids = frozenset(group_id for group_id, _status in memberships)
    registered = any(status == Group.Status.REGISTERED for _group_id, status in memberships)
    can_book = staff or registered
    return schedule.Viewer(authenticated=True, staff=staff, group_ids=group_ids, can_book=can_book)


def _window_for(room: Room, viewer: schedule.Viewer, today: dt.date):
    return None if viewer.staff else booking_window_last_day(room, today)


# --- the booking rules' reads ----------------------------------------------------------------


def booking_window_last_day(room: Room, today: dt.date) -> dt.date:
    """The last day ``room`` can be booked on by groups, seen from ``today``."""
    if room.window_kind == Room.Window.MONTH_START:
        # Bookings for a month open on the 1st of the month N months before it.
        first_open_month = add_months(today.replace(day=1), room.window_months)
        return add_months(first_open_month, 1) - dt.timedelta(days=1)
    return add_months(today, room.window_months)


def booking_opens_on(room: Room, day: dt.date) -> dt.date:
    """The day on which bookings for ``day`` open."""
    if room.window_kind == Room.Window.MONTH_START:
        return add_months(day.replace(day=1), -room.window_months)
    opens = add_months(day, -room.window_months)
    # add_months clamps to the month's end: two months before April 30 gives February 28, from
    # which the window reaches only April 28; bookings for April 30 open the next day.
    if booking_window_last_day(room, opens) < day:
        opens += dt.timedelta(days=1)
    return opens


def group_is_suspended(group: Group | None) -> bool:
    if group is None:
        return False
    return NoShowSuspension.objects.filter(group=group, lifted_at__isnull=True).exists()


def no_shows_in_fiscal_year(group: Group, year: int) -> int:
    fy = FiscalYear(year)
    return Booking.objects.filter(
        group=group, status=Booking.Status.NO_SHOW, start__gte=fy.start, start__lt=fy.end
    ).count()


# Live bookings' statuses written into plain SQL, not passed as a parameter: a prepared
# statement's plan then still knows them and uses the indexes made for live bookings alone (the
# exclusion constraint's, facilities_booking_live_period). Constants of the code, never input.
LIVE_SQL = "(" + ", ".join(f"'{status}'" for status in Booking.LIVE_STATUSES) + ")"


def equipment_in_use(
    equipment_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_booking: int | None = None,
) -> dict[int, int]:
    """The peak number of each piece of equipment lent out at any moment in [start, end)
    (leaving out ``exclude_booking``: the booking a change replaces)."""
    sql, params = equipment_in_use_sql(equipment_ids, start, end, exclude_booking=exclude_booking)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return equipment_peaks(rows, start, end)


def equipment_in_use_sql(
    equipment_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_booking: int | None = None,
) -> tuple[str, dict]:
    """The query of ``equipment_in_use`` (rows: equipment, start, end, quantity), for a caller
    that asks it together with other questions in one statement (the booking rules). Its
    parameters are named; ``start`` and ``end`` mean what they say wherever used."""
    # Room bookings and take-out loans in one query (UNION ALL: one round trip, issue #20), each
    # row (equipment, start, end, quantity). Plain SQL: building it with the ORM took
    # longer than the query itself. Bookings meet [start, end) as Booking.objects.overlapping
    # says (the period's range test finds them through the exclusion constraint's index).
    # Take-out loans hold their equipment from the opening on the pickup day to the closing on
    # the return day: both paths count both.
    # A loan that is overdue (handed out, not back after its return day) holds its equipment
    # until staff record it returned: nobody else can be promised what is still out.
    booking_table, loan_table = Booking._meta.db_table, EquipmentLoan._meta.db_table
    sql = (
        'SELECT be.equipment_id, b."start", b."end", be.quantity'
        f" FROM {BookingEquipment._meta.db_table} be"
        f" JOIN {booking_table} b ON b.id = be.booking_id"
        f" WHERE be.equipment_id = ANY(%(ids)s) AND b.status IN {LIVE_SQL}"
        " AND b.period && tstzrange(%(start)s, %(end)s, '[)')"
        ' AND b."start" < %(end)s AND b."end" > %(start)s AND b.id <> %(exclude)s'
        " UNION ALL"
        ' SELECT li.equipment_id, l."start",'
        ' CASE WHEN l.status = %(out)s AND l."end" < %(now)s THEN %(end)s ELSE l."end" END,'
        " li.quantity"
        f" FROM {EquipmentLoanItem._meta.db_table} li JOIN {loan_table} l ON l.id = li.loan_id"
        " WHERE li.equipment_id = ANY(%(ids)s) AND ("
        '(l.status = ANY(%(loan_live)s) AND l."start" < %(end)s AND l."end" > %(start)s)'
        ' OR (l.status = %(out)s AND l."end" < %(now)s AND l."start" < %(end)s))'
    )
    params = {
        "ids": list(equipment_ids),
        "loan_live": list(EquipmentLoan.LIVE_STATUSES),
        "out": EquipmentLoan.Status.HANDED_OUT.value,
        "now": timezone.now(),
        "start": start,
        "end": end,
        "exclude": exclude_booking if exclude_booking is not None else 0,
    }
    return sql, params


def equipment_peaks(rows, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """``equipment_in_use``'s answer from its query's rows."""
    changes: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for equipment_id, b_start, b_end, quantity in rows:
        changes[equipment_id].append((max(b_start, start), quantity))
        changes[equipment_id].append((min(b_end, end), -quantity))
    peaks = {}
    for equipment_id, events in changes.items():
        # Returns before loans at the same instant: [) intervals that touch do not overlap.
        events.sort(key=lambda e: (e[0], e[1]))
        level = peak = 0
        for _when, delta in events:
            level += delta
            peak = max(peak, level)
        peaks[equipment_id] = peak
    return peaks


def series_preview(
    *,
    actor,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    rule: str,
    count: int,
    group: Group | None = None,
    attendees: int,
    equipment=None,
    kind: str = Booking.Kind.GROUP,
) -> list:
    """Each date of a recurring booking with the reason it cannot be booked (None when free):
    the booking rules run over each date; nothing is written."""
    # Imported here to break the selectors ↔ rules cycle: the rules read the window, the
    # equipment in use and suspensions through this module.
    from facilities import rules as booking_rules

    kind = str(kind)
    staff = booking_rules.check_permission(actor=actor, room=room, group=group, kind=kind)
    dates = booking_rules.series_dates(start, end, rule, count)
    if not dates:
        return []
    items = booking_rules.normalise_equipment(equipment)
    settings = FacilitySettings.load()
    first, last = (booking_rules.local_time(dates[i][0]).date() for i in (0, -1))
    cal = OfficeCalendar.load(first, last)
    now = timezone.now()
    planned: dict[tuple[dt.date, int | None], dt.timedelta] = defaultdict(dt.timedelta)
    occurrences = []
    for o_start, o_end in dates:
        req = booking_rules.BookingRequest(
            actor=actor,
            room=room,
            group=group,
            start=o_start,
            end=o_end,
            attendees=attendees,
            items=items,
            kind=kind,
            staff=staff,
            planned=planned,
        )
        try:
            booking_rules.check_all(req, cal, settings, now)
        except booking_rules.BookingError as exc:
            occurrences.append(booking_rules.Occurrence(o_start, o_end, str(exc)))
            continue
        occurrences.append(booking_rules.Occurrence(o_start, o_end))
        month = booking_rules.local_time(o_start).date().replace(day=1)
        planned[(month, None)] += o_end - o_start
        planned[(month, room.pk)] += o_end - o_start
    return occurrences


def _by_room_and_day(bookings) -> dict[tuple[int, dt.date], list[Booking]]:
    grouped = defaultdict(list)
    for booking in bookings:
        grouped[(booking.room_id, timezone.localdate(booking.start))].append(booking)
    return grouped


# --- grids ---------------------------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _room_days(room: Room, first: dt.date, last: dt.date) -> list[str]:
    """The versions of ``room``'s days from ``first`` to ``last`` (facilities.gridcache)."""
    return [gridcache.room_day_version(room.pk, day) for day in days_between(first, last)]


def week_grid(room: Room, week_start: dt.date, viewer: schedule.Viewer) -> schedule.Grid:
    """A room's week, Monday to Sunday, with its HTML (kept by the room's days' versions:
    facilities.gridcache). ``room`` may come without its blocks: a kept grid needs none."""
    last = week_start + dt.timedelta(days=6)

    def build():
        prefetch_related_objects([room], "blocks")
        cal = OfficeCalendar.load(week_start, last)
        bookings = _by_room_and_day(_live_bookings_between(week_start, last, [room]))
        return _week_columns(room, week_start, viewer, cal, bookings)

    return gridcache.cached_grid(
        f"week:{room.pk}:{week_start.isoformat()}",
        viewer,
        build,
        versions=_room_days(room, week_start, last),
        day_of=_column_day,
    )


def _column_day(column: schedule.Column) -> dt.date:
    return column.day


def _week_columns(room, week_start, viewer, cal, bookings) -> schedule.Grid:
    """The week's grid from a calendar and bookings already read (covering the week)."""
    days = [week_start + dt.timedelta(days=n) for n in range(7)]
    now = timezone.now()
    window = _window_for(room, viewer, timezone.localdate())
    columns = []
    for day in days:
        items = schedule.column_items(
            room=room,
            day=day,
            bookings=bookings.get((room.pk, day), []),
            cal=cal,
            now=now,
            viewer=viewer,
            window_last_day=window,
        )
        columns.append(
            schedule.Column(
                key=day.isoformat(),
                heading=day_heading(day),
                items=items,
                day=day,
                url=reverse("facilities:day", kwargs={"day": day.isoformat()}),
            )
        )
    grid = schedule.build_grid(columns)
    grid.html = gridhtml.week(room, week_start, grid)
    return grid


def day_grid(day: dt.date, viewer: schedule.Viewer) -> schedule.Grid:
    """All rooms side by side on one day, with its HTML (kept by the day's version:
    facilities.gridcache)."""
    return gridcache.cached_grid(
        f"day:{day.isoformat()}",
        viewer,
        lambda: _day_grid(day, viewer),
        versions=[gridcache.day_version(day)],
        day_of=lambda c: day,
    )


def _day_grid(day: dt.date, viewer: schedule.Viewer) -> schedule.Grid:
    rooms = list(_rooms())
    cal = OfficeCalendar.load(day, day)
    bookings = _by_room_and_day(_live_bookings_between(day, day, rooms))
    now = timezone.now()
    today = timezone.localdate()
    columns = []
    for room in rooms:
        items = schedule.column_items(
            room=room,
            day=day,
            bookings=bookings.get((room.pk, day), []),
            cal=cal,
            now=now,
            viewer=viewer,
            window_last_day=_window_for(room, viewer, today),
        )
        columns.append(
            schedule.Column(
                key=room.slug,
                heading=room.name,
                items=items,
                room=room,
                url=room.get_absolute_url() + f"?week={day.isoformat()}",
            )
        )
    grid = schedule.build_grid(columns)
    grid.html = gridhtml.day(day, grid)
    return grid


WEEKDAY_LABELS = ["月", "火", "水", "木", "金", "土", "日"]
WEEKDAY_LABELS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def day_heading(day: dt.date) -> str:
    if get_language() == "en":
        return f"{WEEKDAY_LABELS_EN[day.weekday()]} {day.month}/{day.day}"
    return f"{day.month}/{day.day}（{WEEKDAY_LABELS[day.weekday()]}）"


def office_closed_reason(day: dt.date, room: Room | None = None) -> str | None:
    """Why the office (or ``room``) is closed on ``day``, or None when it is open: the rules
    booking_create applies (closures entered by staff, the year end, holidays, closing days)."""
    return OfficeCalendar.load(day, day).closed_reason(day, room.pk if room else None)


# --- today ------------------------------------------------------------------------------------


@dataclass
class RoomToday:
    """One room today: for the home page, the index and the door display."""

    room: Room
    name: str
    url: str
    status: str
    is_free_now: bool
    closed_reason: str | None
    free_slots: int
    bookings: list[Booking]
    current: Booking | None
    next_booking: Booking | None
    phase: str  # "closed" (all day), "before" opening, "open", "after" closing


def _bookable_minutes(items) -> int:
    """The free time a booking can use: each run of free slots that starts with a bookable
    start, to its end (a gap too short for any booking is left out)."""
    minutes, run_end = 0, None
    for item in items:
        if item.state == schedule.FREE or (item.state == schedule.SHORT and item.start == run_end):
            minutes += item.end - item.start
            run_end = item.end
        else:
            run_end = None
    return minutes


def _duration(minutes: int) -> str:
    """「2時間30分」, 「2時間」, 「30分」."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def _rooms_today(rooms: list[Room], now: dt.datetime | None = None) -> list[RoomToday]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = OfficeCalendar.load(today, today)
    # Every booking that overlaps today, one that began before midnight included.
    bookings = defaultdict(list)
    for booking in _live_bookings_between(today, today, rooms):
        bookings[booking.room_id].append(booking)
    result = []
    for room in rooms:
        todays = bookings[room.pk]
        items = schedule.column_items(
            room=room,
            day=today,
            bookings=todays,
            cal=cal,
            now=now,
            viewer=schedule.Viewer(),
            window_last_day=None,
        )
        reason = cal.closed_reason(today, room.pk)
        free = sum(1 for i in items if i.state == schedule.FREE)
        current = next((b for b in todays if b.start <= now < b.end), None)
        upcoming = next((b for b in todays if b.start > now), None)
        hours = cal.hours_on(today, room.pk)
        clock = timezone.localtime(now).time()
        if hours is None:
            phase = "closed"
        elif clock < hours[0]:
            phase = "before"
        elif clock >= hours[1]:
            phase = "after"
        else:
            phase = "open"
        is_open_now = phase == "open"
        if reason:
            status = _("Closed today (%(reason)s)") % {"reason": reason}
        elif current:
            status = _("In use until %(time)s") % {"time": schedule._hm(_minutes(current.end))}
        elif phase == "after":
            status = _("Closed for today")
        elif free:
            # Said in the room's own unit: periods (午前・午後・夜間) for a room booked by
            # blocks, the free time left for the others (a count of half hours read as if it
            # could be compared with a count of periods).
            if room.uses_blocks:
                left = ngettext(
                    "%(n)d free period left today", "%(n)d free periods left today", free
                ) % {"n": free}
            else:
                left = _("%(time)s free today") % {"time": _duration(_bookable_minutes(items))}
            status = _("Free now · %(left)s") % {"left": left} if is_open_now else left
        elif is_open_now:
            status = _("Booked for the rest of the day")
        else:
            status = _("Fully booked today")
        result.append(
            RoomToday(
                room=room,
                name=room.name,
                url=room.get_absolute_url(),
                status=status,
                is_free_now=not reason and is_open_now and current is None,
                closed_reason=reason,
                free_slots=free,
                bookings=todays,
                current=current,
                next_booking=upcoming,
                phase=phase,
            )
        )
    return result


def _minutes(value: dt.datetime) -> int:
    local = timezone.localtime(value)
    return local.hour * 60 + local.minute


def today_overview() -> list[RoomToday]:
    """Home page: each bookable room with today's free/busy state (``name``, ``url``,
    ``status``)."""
    return _rooms_today(list(_rooms()))


def room_today(room: Room, now: dt.datetime | None = None) -> RoomToday:
    return _rooms_today([room], now)[0]


@dataclass
class EquipmentNow:
    equipment: Equipment
    in_use: int

    @property
    def free(self) -> int:
        return max(0, self.equipment.quantity - self.in_use)


def equipment_now(now: dt.datetime | None = None) -> list[EquipmentNow]:
    """Each piece of equipment with how many are lent out right now (at bookings in the
    building and on take-out loans), in one query."""
    now = now or timezone.now()
    at_bookings = (
        BookingEquipment.objects.filter(
            equipment=OuterRef("pk"),
            booking__status__in=Booking.LIVE_STATUSES,
            booking__period__contains=now,  # the GiST index (see BookingQuerySet.overlapping)
            booking__start__lte=now,
            booking__end__gt=now,
        )
        .values("equipment")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    on_loans = (
        EquipmentLoanItem.objects.filter(
            equipment=OuterRef("pk"),
            loan__status__in=EquipmentLoan.LIVE_STATUSES,
            loan__start__lte=now,
            loan__end__gt=now,
        )
        .values("equipment")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    equipment = Equipment.objects.filter(is_active=True).annotate(
        in_use=Coalesce(Subquery(at_bookings), 0) + Coalesce(Subquery(on_loans), 0)
    )
    return [EquipmentNow(e, e.in_use) for e in equipment]


# --- take-out loans --------------------------------------------------------------------------


def loanable_equipment():
    """Equipment a group may take out of the building."""
    return Equipment.objects.filter(is_active=True, may_leave_building=True)


def _loans_with_items(qs):
    return qs.select_related("group").prefetch_related(
        Prefetch(
            "items",
            queryset=EquipmentLoanItem.objects.select_related("equipment").order_by("equipment"),
        )
    )


def group_loans(user):
    """(upcoming loans, past loans) of the user's groups: a loan is upcoming until its return
    day has passed, and stays so while it is out."""
    today = timezone.localdate()
    mine = EquipmentLoan.objects.filter(group__in=user_groups(user).values("pk"))
    current = Q(return_date__gte=today) | Q(status=EquipmentLoan.Status.HANDED_OUT)
    upcoming = _loans_with_items(mine.filter(current)).order_by("pickup_date", "pk")
    past = _loans_with_items(mine.exclude(current)).order_by("-pickup_date", "-pk")
    return upcoming, past


@dataclass
class DeskLoans:
    """The desk's loans of a day (``selectors_members.desk_loans``)."""

    pickups: list[EquipmentLoan]
    returns: list[EquipmentLoan]
    overdue: list[EquipmentLoan]
    pending: list[EquipmentLoan]


# --- the user's bookings ------------------------------------------------------------------------


def _with_details(qs):
    return qs.select_related("room", "group", "series").prefetch_related(
        Prefetch(
            "equipment_items",
            queryset=BookingEquipment.objects.select_related("equipment").order_by("equipment"),
        )
    )


def user_groups(user):
    """Groups the user belongs to (any status), for "my bookings"."""
    if not (user and user.is_authenticated):
        return Group.objects.none()
    return Group.objects.with_member(user).in_kana_order()


def group_bookings(user):
    """(upcoming bookings, past bookings queryset) of the user's groups."""
    now = timezone.now()
    mine = Booking.objects.filter(group__in=user_groups(user).values("pk"))
    upcoming = _with_details(mine.filter(end__gt=now)).order_by("start", "pk")
    past = _with_details(mine.filter(end__lte=now)).order_by("-start", "-pk")
    return upcoming, past


def group_feed(group: Group) -> GroupCalendarFeed | None:
    """The group's private calendar feed (made with the group; None only for a group made
    before feeds were, until its representative makes one)."""
    return GroupCalendarFeed.objects.filter(group=group).first()


def feeds_for(user) -> list[tuple[Group, GroupCalendarFeed | None, bool]]:
    """The user's groups with their private feed (None when it has none yet) and whether the
    user may reset (or make) it. Reads only: a page that lists feeds writes nothing."""
    # The groups and their feeds in one read (issue #20: the bookings page): the feed's columns
    # come with each group (one feed per group at most: a one-to-one).
    feed = GroupCalendarFeed.objects.filter(group=OuterRef("pk"))
    groups = list(
        user_groups(user).annotate(
            feed_pk=Subquery(feed.values("pk")[:1]),
            feed_token=Subquery(feed.values("token")[:1]),
            feed_created_at=Subquery(feed.values("created_at")[:1]),
        )
    )
    return [
        (
            group,
            GroupCalendarFeed(
                pk=group.feed_pk,
                group=group,
                token=group.feed_token,
                created_at=group.feed_created_at,
            )
            if group.feed_pk is not None
            else None,
            can_reset_feed(user, group),
        )
        for group in groups
    ]


def account_panel(user) -> dict:
    """What "my account" shows of this app: the user's groups' next bookings."""
    if not (user and user.is_authenticated):
        return {}
    upcoming, _past = group_bookings(user)
    bookings = list(
        upcoming.filter(status__in=Booking.OPEN_STATUSES)
        .select_related(None)
        .select_related("room", "group")
        .prefetch_related(None)[:6]
    )
    # Each booking leads to what the member can do with it: its change page when the bookings
    # page offers 変更 for it (the same test), else the room's week.
    now = timezone.now()
    for booking in bookings[:5]:
        # They are the user's groups' bookings (``group_bookings``): membership is known.
        booking.can_change = not booking.replaces_id and can_cancel_booking(
            user, booking, now, member=True
        )
    return {
        "bookings": bookings[:5],
        "more": len(bookings) > 5,
        "bookings_url": reverse("facilities:bookings"),
        "can_book": bookable_groups(user).exists(),
    }


# --- staff desk ---------------------------------------------------------------------------------


def desk_bookings(day: dt.date):
    """The day's bookings for the desk. A change awaiting approval (a request that
    ``replaces`` a booking) comes with the booking it replaces (``replaces``, its room); a
    booking whose change waits has its time and room in ``change_start``, ``change_end``,
    ``change_room_id`` and ``change_room_name`` (a booking has one such change at most), read
    in the same query."""
    begin = aware(day, dt.time())
    finish = aware(day + dt.timedelta(days=1), dt.time())
    waiting = Booking.objects.filter(
        replaces=OuterRef("pk"), status=Booking.Status.REQUESTED
    ).order_by("start")
    return (
        _with_details(
            Booking.objects.filter(start__gte=begin, start__lt=finish).exclude(
                status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED]
            )
        )
        .select_related("booked_by", "replaces__room")
        .annotate(
            change_start=Subquery(waiting.values("start")[:1]),
            change_end=Subquery(waiting.values("end")[:1]),
            change_room_id=Subquery(waiting.values("room_id")[:1]),
            change_room_name=Subquery(waiting.values("room__name")[:1]),
        )
        .order_by("start", "room__order", "room_id")
    )


def pending_requests():
    """Requests awaiting approval, soonest first; a change (予約の変更) comes with the booking it
    replaces (``replaces``, its room), read in the same query."""
    return (
        _with_details(
            Booking.objects.filter(status=Booking.Status.REQUESTED, end__gt=timezone.now())
        )
        .select_related("booked_by", "replaces__room")
        .order_by("start")
    )


def walk_ins_on(day: dt.date) -> int:
    row = WalkInCount.objects.filter(date=day).first()
    return row.count if row else 0


# --- figures for the reports app ---------------------------------------------------------------


def open_hours_by_room(
    first_day: dt.date, last_day: dt.date, *, until: dt.datetime | None = None
) -> dict[int, float]:
    """Bookable hours of each room from ``first_day`` to ``last_day`` (both included): opening
    hours per weekday minus closed days (holidays, year end, custom closures), or the room's
    blocks inside the opening hours. A few queries whatever the range (a year is 366 days at most).
    ``until``: only the hours before that moment (the running year so far); nothing when the
    range starts later.

    Each day is asked of the calendar once per kind of room, not once per room: rooms without a
    closed day of their own and with the same blocks (or none) are open the same minutes every
    day (36 rooms × 365 days were 13,000 calls, a tenth of the year's report built afresh).
    """
    last_minute = None
    if until is not None:
        until = timezone.localtime(until)
        if until.date() <= last_day:
            last_day, last_minute = until.date(), until.hour * 60 + until.minute
    if last_day < first_day:
        return {}
    rooms = list(Room.objects.prefetch_related("blocks"))
    cal = OfficeCalendar.load(first_day, last_day)
    closed_apart = {room_id for room_id, _day in cal.room_closures}
    kind_of, first_of_kind = {}, {}
    for room in rooms:
        if room.pk in closed_apart:
            kind: tuple = ("own closed days", room.pk)
        elif room.uses_blocks:
            kind = ("blocks", *((block.starts, block.ends) for block in room.blocks.all()))
        else:
            kind = ("opening hours",)
        kind_of[room.pk] = kind
        first_of_kind.setdefault(kind, room)
    minutes = dict.fromkeys(first_of_kind, 0)
    for day in days_between(first_day, last_day):
        before = last_minute if day == last_day else None
        for kind, room in first_of_kind.items():
            minutes[kind] += cal.open_minutes(day, room, before=before)
    return {pk: minutes[kind] / 60 for pk, kind in kind_of.items()}


def facility_users(first_day: dt.date, last_day: dt.date) -> int:
    """The "facility users" KPI: recorded headcounts of used bookings + walk-in visitors."""
    begin = aware(first_day, dt.time())
    finish = aware(last_day + dt.timedelta(days=1), dt.time())
    headcount = Booking.objects.filter(
        status=Booking.Status.USED, start__gte=begin, start__lt=finish
    ).aggregate(n=Sum("actual_headcount"))["n"]
    walk_ins = WalkInCount.objects.filter(date__gte=first_day, date__lte=last_day).aggregate(
        n=Sum("count")
    )["n"]
    return (headcount or 0) + (walk_ins or 0)


def feed_bookings_for_room(room: Room):
    now = timezone.now()
    return (
        Booking.objects.live()
        .filter(
            room=room, end__gt=now - dt.timedelta(days=30), start__lt=now + dt.timedelta(days=366)
        )
        .order_by("start")
        .only("pk", "start", "end", "status", "room_id")
    )


def feed_bookings_for_group(group: Group):
    now = timezone.now()
    return (
        Booking.objects.filter(
            group=group, end__gt=now - dt.timedelta(days=90), start__lt=now + dt.timedelta(days=366)
        )
        .filter(Q(status__in=Booking.LIVE_STATUSES) | Q(status=Booking.Status.CANCELLED))
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "equipment_items", queryset=BookingEquipment.objects.select_related("equipment")
            )
        )
        .order_by("start")
    )


# --- the office's week (the pages app's footer and access page) -------------------------------


@dataclass(frozen=True)
class OfficeWeek:
    """Opening hours per weekday and the whole office's own closures from about today on: enough
    to say whether and when the office is open on a day without reading again (the footer keeps
    one for a minute). The rules are OfficeCalendar's, so booking and the footer never differ."""

    rules: object  # FacilitySettings
    hours: dict[int, tuple[dt.time, dt.time]]
    closures: dict[dt.date, str]

    def _calendar(self, day: dt.date) -> OfficeCalendar:
        cal = OfficeCalendar(
            first=day,
            last=day,
            rules=self.rules,
            hours=self.hours,
            office_closures={day: self.closures[day]} if day in self.closures else {},
        )
        if self.rules.close_on_public_holidays:
            cal.holidays = dict(jpholiday.between(day, day))
        return cal

    def closed_reason(self, day: dt.date) -> str | None:
        return self._calendar(day).closed_reason(day)

    def hours_on(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        return self._calendar(day).hours_on(day)

    def weekdays(self) -> list[tuple[str, tuple[dt.time, dt.time] | None]]:
        """(weekday name, hours or None when closed), Monday first."""
        return [(label, self.hours.get(day)) for day, label in OpeningHours.Weekday.choices]


def office_week() -> OfficeWeek:
    """The office's week (three queries)."""
    since = timezone.localdate() - dt.timedelta(days=7)
    return OfficeWeek(
        # The saved rules, or the defaults (a page that is read writes nothing).
        rules=FacilitySettings.objects.filter(pk=1).first() or FacilitySettings(pk=1),
        hours={h.weekday: (h.opens, h.closes) for h in OpeningHours.objects.all()},
        closures={
            c.date: c.reason
            for c in ClosedDay.objects.filter(room__isnull=True, date__gte=since).only(
                "date", "reason"
            )
        },
    )


def groups_booking_between(first: dt.date, last: dt.date):
    """Ids of the groups with a booking (asked for, confirmed or used) on a day from ``first``
    to ``last`` (a query, for office messages to "groups with bookings next week")."""
    return Booking.objects.filter(
        group__isnull=False,
        status__in=[
            Booking.Status.REQUESTED,
            Booking.Status.CONFIRMED,
            Booking.Status.USED,
        ],
        start__lt=aware(last + dt.timedelta(days=1), dt.time(0, 0)),
        end__gt=aware(first, dt.time(0, 0)),
    ).values("group_id")


# --- finding a free room (空き状況検索, issue #16 part 2) ----------------------------------------


def _clock(value: dt.time | dt.datetime) -> str:
    return f"{value.hour}:{value.minute:02d}"


@dataclass
class RoomAnswer:
    """One room's answer to a free-room search: free (with the period it can be booked for,
    on its grid or blocks, and the link to the prefilled form) or the reason it is not."""

    room: Room
    free: bool
    reason: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    blocks: str = ""  # the fixed blocks the period covers (午前・午後)
    book_url: str = ""
    book_url_plain: str = ""  # the same without the equipment

    @property
    def time_text(self) -> str:
        if self.start is None:
            return ""
        return f"{_clock(timezone.localtime(self.start))}–{_clock(timezone.localtime(self.end))}"


@dataclass
class FreeRoomSearch:
    """The answer to "which rooms are free on ``day`` from ``start`` to ``end`` for ``people``
    with ``equipment``": the rooms that fit (``free``, smallest first), the others with their
    reason, and what is wrong with the equipment (the same for every room)."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime
    people: int
    equipment: dict[Equipment, int]
    free: list[RoomAnswer]
    others: list[RoomAnswer]
    equipment_problems: list[str]
    closed_reason: str | None
    # Whether the results link to the booking form: anyone signed out (the login comes first)
    # and members of a group that may book; others are told how to book.
    can_book: bool = True

    @property
    def free_without_equipment(self) -> list[RoomAnswer]:
        """Rooms that would fit if the equipment were left out (shown when it is short)."""
        return self.free if self.equipment_problems else []

    @property
    def matches(self) -> list[RoomAnswer]:
        return [] if self.equipment_problems else self.free


def _free_reason(room: Room, items: list[schedule.Item], start: int, end: int, day, cal) -> str:
    """Why ``room`` cannot be booked from ``start`` to ``end`` (minutes), read off its day's
    items (the week grid's reading of the booking rules), or "" when it can."""
    if items and items[0].whole_day:
        return _("Closed on that day (%(reason)s)") % {"reason": items[0].label}
    touching = sorted(
        (i for i in items if i.start < end and i.end > start), key=lambda i: (i.start, i.end)
    )
    states = {i.state for i in touching}
    if schedule.BOOKED in states:
        return _("Already booked at that time")
    if schedule.BUFFER in states or schedule.GAP in states:
        return _("Too close to another booking (%(n)d minutes are kept free to tidy up)") % {
            "n": room.buffer_minutes
        }
    if schedule.PAST in states:
        return _("That time has passed")
    if schedule.NOT_OPEN in states:
        return _("Bookings for that day open on %(date)s") % {
            "date": dates.day(booking_opens_on(room, day))
        }
    covered = start
    for item in touching:
        if item.start > covered:
            break
        covered = max(covered, item.end)
    if not touching or touching[0].start > start or covered < end:
        if room.uses_blocks:
            listing = "、".join(
                f"{b.label} {_clock(b.starts)}–{_clock(b.ends)}" for b in room.blocks.all()
            )
            return _("Outside its fixed blocks (%(blocks)s)") % {"blocks": listing}
        opens, closes = cal.hours_on(day, room.pk)
        return _("Outside opening hours (%(opens)s–%(closes)s)") % {
            "opens": _clock(opens),
            "closes": _clock(closes),
        }
    return ""


def _length_reason(room: Room, minutes: int) -> str:
    """The booking rules' length limits (facilities.rules: a group's booking of a room on a
    grid lasts from min_minutes to max_minutes), as a reason; "" when the length fits."""
    if room.uses_blocks or room.min_minutes <= minutes <= room.max_minutes:
        return ""
    # Imported here to break the selectors ↔ rules cycle (see series_preview).
    from facilities.rules import hours_text

    return _("Bookings last %(min)s to %(max)s") % {
        "min": hours_text(room.min_minutes),
        "max": hours_text(room.max_minutes),
    }


def _equipment_problems(
    equipment: dict[Equipment, int], start: dt.datetime, end: dt.datetime
) -> list[str]:
    """What stops the equipment being lent for [start, end): the pieces not in use, owned in
    fewer numbers, or all lent out (room bookings and take-out loans, ``equipment_in_use``)."""
    if not equipment:
        return []
    problems = []
    peaks = equipment_in_use([e.pk for e in equipment], start, end)
    for item, quantity in equipment.items():
        free = max(item.quantity - peaks.get(item.pk, 0), 0)
        if not item.is_active:
            problems.append(_("%(name)s cannot be booked at the moment.") % {"name": item.name})
        elif quantity > item.quantity:
            problems.append(
                _("The office has only %(owned)d × %(name)s.")
                % {"owned": item.quantity, "name": item.name}
            )
        elif quantity > free:
            problems.append(
                _("%(name)s: %(free)d of %(owned)d free at that time.")
                % {"name": item.name, "free": free, "owned": item.quantity}
            )
    return problems


def search_equipment_choices() -> list[tuple[int, str, str]]:
    """The equipment a free-room search can ask for: (pk, slug, name), in the office's order."""
    return list(Equipment.objects.filter(is_active=True).values_list("pk", "slug", "name"))


def free_rooms(
    *,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    people: int = 1,
    equipment: dict[int, int] | None = None,
    viewer: schedule.Viewer | None = None,
    now: dt.datetime | None = None,
) -> FreeRoomSearch:
    """The rooms free on ``day`` from ``start`` to ``end`` that hold ``people`` and for which
    ``equipment`` ({pk: how many}) can be lent, by the booking rules: opening hours, closed days,
    fixed blocks, the tidy-up buffer, the booking window (not for staff), the room's capacity and
    a booking's length, and the equipment's stock at that time. A period off a room's grid or
    between its blocks is widened to the slots or blocks that cover it. Rooms booked through the
    office only are left out for everyone but staff. Nine queries or so, whatever the number of
    rooms and bookings."""
    # Imported here to break the selectors ↔ rules cycle (see series_preview).
    from facilities.rules import BookingError, check_attendees

    viewer = viewer or schedule.Viewer()
    now = now or timezone.now()
    today = timezone.localdate(now)
    rooms = _rooms()
    if not viewer.staff:
        rooms = rooms.filter(online_booking=True)
    rooms = list(rooms)
    cal = OfficeCalendar.load(day, day)
    bookings = _by_room_and_day(_live_bookings_between(day, day, rooms))
    wanted = equipment or {}
    pieces = {e.pk: e for e in Equipment.objects.filter(pk__in=list(wanted))}
    items = {pieces[pk]: quantity for pk, quantity in wanted.items() if pk in pieces}
    first, last = minutes_of(start), minutes_of(end)
    midnight = aware(day, dt.time())
    free: list[RoomAnswer] = []
    others: list[RoomAnswer] = []
    for room in rooms:
        try:
            check_attendees(room=room, attendees=people)
        except BookingError as exc:
            others.append(RoomAnswer(room, free=False, reason=str(exc)))
            continue
        column = schedule.column_items(
            room=room,
            day=day,
            bookings=bookings.get((room.pk, day), []),
            cal=cal,
            now=now,
            viewer=viewer,
            window_last_day=_window_for(room, viewer, today),
        )
        reason = _free_reason(room, column, first, last, day, cal)
        if reason:
            others.append(RoomAnswer(room, free=False, reason=reason))
            continue
        covering = [i for i in column if i.start < last and i.end > first]
        begin, finish = covering[0].start, covering[-1].end
        reason = _length_reason(room, finish - begin)
        if reason:
            others.append(RoomAnswer(room, free=False, reason=reason))
            continue
        free.append(
            RoomAnswer(
                room,
                free=True,
                start=midnight + dt.timedelta(minutes=begin),
                end=midnight + dt.timedelta(minutes=finish),
                blocks="・".join(i.note for i in covering if i.note),
            )
        )
    # The equipment is the office's, not a room's: one answer for every room. A room whose
    # slots or blocks widen the period needs the equipment for the wider period.
    asked = (aware(day, start), aware(day, end))
    problems = _equipment_problems(items, *asked)
    if items and not problems:
        wider = {(a.start, a.end) for a in free} - {asked}
        if wider:
            hull = (min(s for s, _e in wider), max(e for _s, e in wider))
            if _equipment_problems(items, *hull):
                short = [a for a in free if (a.start, a.end) != asked]
                for answer in short:
                    answer.free = False
                    answer.reason = _("The equipment is not free for the whole of %(time)s") % {
                        "time": answer.time_text
                    }
                free = [a for a in free if a.free]
                others = short + others
    link_extra = "".join(f"&equipment={item.slug}" for item, n in items.items() for _i in range(n))
    for answer in free:
        path = reverse("facilities:book", kwargs={"slug": answer.room.slug})
        answer.book_url_plain = (
            schedule.book_url(path, answer.start, answer.end) + f"&attendees={people}"
        )
        answer.book_url = answer.book_url_plain + link_extra
    free.sort(key=lambda a: (a.room.capacity, a.room.order, a.room.pk))
    return FreeRoomSearch(
        day=day,
        start=asked[0],
        end=asked[1],
        people=people,
        equipment=items,
        free=free,
        others=others,
        equipment_problems=problems,
        closed_reason=cal.closed_reason(day),
        can_book=viewer.can_book or not viewer.authenticated,
    )


# --- a room's week page: the day it opens on, and a day as a list (phones) ----------------------


def next_bookable_day(
    room: Room, viewer: schedule.Viewer, *, now: dt.datetime | None = None, days: int = 31
) -> dt.date:
    """The first day from today on which ``room`` has a free slot this viewer could book
    (open, not past, inside the booking window); failing that within ``days``, the first day it
    is open; failing that, today. Four queries for the whole range."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = today + dt.timedelta(days=days)
    cal = OfficeCalendar.load(today, last)
    bookings = _by_room_and_day(_live_bookings_between(today, last, [room]))
    return _next_bookable(room, viewer, now, days, cal, bookings)


def next_bookable_week(
    room: Room, viewer: schedule.Viewer, *, days: int = 31
) -> tuple[dt.date, schedule.Grid]:
    """A room's page opened without a day: ``next_bookable_day`` and the grid of its week,
    from one read of the calendar and the room's bookings covering both (this week's Monday to
    the last day's Sunday), so the page costs what a week's grid alone does."""
    today = timezone.localdate()
    first = week_start_of(today)
    last = today + dt.timedelta(days=days + 6)

    def build():
        now = timezone.now()
        prefetch_related_objects([room], "blocks")
        cal = OfficeCalendar.load(first, last)
        bookings = _by_room_and_day(_live_bookings_between(first, last, [room]))
        day = _next_bookable(room, viewer, now, days, cal, bookings)
        return day, _week_columns(room, week_start_of(day), viewer, cal, bookings)

    # Kept as a room's week is (facilities.gridcache): the day changes only when a free slot
    # of the grid passes (its stale moment), with the date, or with a change of the schedule.
    return gridcache.cached_grid(
        f"next-week:{room.pk}:{days}",
        viewer,
        build,
        versions=_room_days(room, first, last),
        day_of=_column_day,
    )


def _next_bookable(room, viewer, now, days, cal, bookings) -> dt.date:
    today = timezone.localdate(now)
    last = today + dt.timedelta(days=days)
    window = _window_for(room, viewer, today)
    first_open = None
    for day in days_between(today, last):
        if cal.closed_reason(day, room.pk):
            continue
        first_open = first_open or day
        if window is not None and day > window:
            break
        items = schedule.column_items(
            room=room,
            day=day,
            bookings=bookings.get((room.pk, day), []),
            cal=cal,
            now=now,
            viewer=viewer,
            window_last_day=window,
        )
        if any(i.state == schedule.FREE for i in items):
            return day
    return first_open or today


# A day's items as the phone list's parts (the grids' HTML is written with it).
DayPart = schedule.DayPart
day_parts = schedule.day_parts


# --- the admin home (core.admin_site) ----------------------------------------------------------


def admin_waiting_counts(now: dt.datetime | None = None) -> dict[str, int]:
    """Requests waiting for the office's decision (two queries): bookings not yet over (as the
    desk lists them) and loans whose return day has not passed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "booking_requests": Booking.objects.filter(
            status=Booking.Status.REQUESTED, end__gt=now
        ).count(),
        "loan_requests": EquipmentLoan.objects.filter(
            status=EquipmentLoan.Status.REQUESTED, return_date__gte=today
        ).count(),
    }


@dataclass
class AdminToday:
    bookings: list[Booking]  # the first ``limit`` of the day, by time
    booking_count: int  # all of the day's bookings (not cancelled or declined)
    pickups: int  # confirmed loans to hand out today
    returns: int  # loans due back today
    overdue: int  # loans out past their return

    @property
    def more(self) -> int:
        return self.booking_count - len(self.bookings)


def admin_today(day: dt.date, *, limit: int = 8, now: dt.datetime | None = None) -> AdminToday:
    """The day at the desk in short, for the admin home: the first ``limit`` bookings of the day
    with the day's total (a window count over the same rows) and the loans' figures, two
    queries whatever the day."""
    now = now or timezone.now()
    begin = aware(day, dt.time())
    finish = aware(day + dt.timedelta(days=1), dt.time())
    shown = list(
        Booking.objects.filter(start__gte=begin, start__lt=finish)
        .exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED])
        .select_related("room", "group")
        .annotate(day_total=Window(Count("pk")))
        .order_by("start", "room__order", "room_id")[:limit]
    )
    count = shown[0].day_total if shown else 0
    status = EquipmentLoan.Status
    loans = EquipmentLoan.objects.aggregate(
        pickups=Count("pk", filter=Q(pickup_date=day, status=status.CONFIRMED)),
        returns=Count("pk", filter=Q(return_date=day, status=status.HANDED_OUT, end__gte=now)),
        overdue=Count("pk", filter=Q(status=status.HANDED_OUT, end__lt=now)),
    )
    return AdminToday(bookings=shown, booking_count=count, **loans)


def pending_change(booking: Booking) -> Booking | None:
    """The change of ``booking`` awaiting staff approval (予約の変更), if any: a request whose
    ``replaces`` is the booking."""
    return (
        Booking.objects.filter(replaces=booking, status=Booking.Status.REQUESTED)
        .select_related("room")
        .first()
    )


# --- the desk's undo of a no-show ------------------------------------------------------------


def no_show_recorded_at(booking: Booking) -> dt.datetime | None:
    """When staff last recorded ``booking`` as a no-show (its audit row), or None."""
    row = (
        AuditLog.objects.filter(
            action="facilities.booking_mark_no_show",
            target_type=ContentType.objects.get_for_model(Booking),
            target_id=str(booking.pk),
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return row
