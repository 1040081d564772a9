"""Lean reads for a member's own pages and the desk (issue #20).

``selectors`` reads what the grids and most pages need; the bookings page and the desk show
long lists of rows, where every joined column, every per-row queryset and every per-row
``get_FOO_display`` adds up. Here:

- the user's groups come with their memberships and calendar feeds in one read
  (``member_groups``), and the memberships are the ones the permission checks keep for the
  request (``groups.permissions.membership_of``), so asking "may they cancel this" costs no
  further query;
- each booking's or loan's equipment comes as one text in the row's own query
  (``equipment_text``: "Projector ×1, Laptop ×2", in the equipment's order), not as a second
  read and a queryset per row;
- rows get their room and group from a dictionary (the 36 rooms are read once, the user's
  groups once) instead of joining the rooms' and groups' long columns into every row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, TextField, Window
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from core import dates
from core.pagination import page_number
from facilities.calendar import aware
from facilities.models import (
    Booking,
    BookingEquipment,
    Equipment,
    EquipmentLoan,
    EquipmentLoanItem,
    GroupCalendarFeed,
    Room,
)
from facilities.selectors import DeskLoans
from groups.models import Group, Membership
from groups.permissions import remember_memberships

ROOM_SLUG_MARK = "room-slug-mark"
# ``page_number``'s upper bound before the count is known (a page is asked for first).
PAGE_UNKNOWN = 10**9
MEMBERSHIP_FIELDS = ("id", "group_id", "user_id", "role", "joined_at")
GROUP_FIELDS = ("id", "name", "name_kana", "slug", "status")


def equipment_text(line_model, owner_model) -> RawSQL:
    """The owner's equipment lines as one text, "name ×quantity" joined by the language's list
    separator (「、」, ", "), in the
    equipment's own order (``order``, then pk): what the pages printed line by line. Plain SQL
    over the outer query's table (``owner_model``): the ORM's aggregate subquery cost more to
    build than the rest of the query."""
    owner = next(
        f.column for f in line_model._meta.concrete_fields if f.related_model is owner_model
    )
    return RawSQL(
        f"(SELECT string_agg(e.name || ' ×' || l.quantity, %s ORDER BY e.\"order\", e.id)"
        f" FROM {line_model._meta.db_table} l JOIN {Equipment._meta.db_table} e"
        f' ON e.id = l.equipment_id WHERE l.{owner} = "{owner_model._meta.db_table}".id)',
        [pgettext("list separator", ", ")],
        output_field=TextField(),
    )


def rooms_by_id() -> dict[int, Room]:
    """Every room (active or not: old bookings name rooms since closed), in the rooms' order,
    each with its page's address as ``url`` (one ``reverse`` for all of them: a slug needs no
    quoting in a path)."""
    pattern = reverse("facilities:room", kwargs={"slug": ROOM_SLUG_MARK})
    rooms = {}
    for room in Room.objects.order_by("order", "pk"):
        room.url = pattern.replace(ROOM_SLUG_MARK, room.slug)
        rooms[room.pk] = room
    return rooms


def member_groups(user) -> list[Group]:
    """The user's groups in kana order (any status, as ``selectors.user_groups``), each with its
    calendar feed as ``feed`` (None when it has none yet) and the user's ``membership``; the
    memberships are kept on the user for the request's permission checks."""
    if not (user and user.is_authenticated):
        return []
    feeds = GroupCalendarFeed._meta.db_table
    memberships = Membership._meta.db_table

    def feed(column: str) -> RawSQL:
        return RawSQL(
            f'(SELECT f.{column} FROM {feeds} f WHERE f.group_id = "{memberships}".group_id)', []
        )

    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("group")
        # What the pages show of a group (its long texts and logo stay in the database).
        .only(*MEMBERSHIP_FIELDS, *(f"group__{name}" for name in GROUP_FIELDS))
        .annotate(feed_pk=feed("id"), feed_token=feed("token"))
        .order_by("group__name_kana", "group_id")
    )
    # The same memberships ``groups.permissions.membership_of`` reads (all of the user's).
    remember_memberships(user, memberships)
    groups = []
    for membership in memberships:
        group = membership.group
        group.membership = membership
        group.feed = (
            GroupCalendarFeed(
                pk=membership.feed_pk,
                group=group,
                token=membership.feed_token,
            )
            if membership.feed_pk is not None
            else None
        )
        groups.append(group)
    return groups


def _attach(rows, rooms: dict[int, Room], groups: dict[int, Group]) -> list:
    labels = dict(Booking.Status.choices)
    # A member's list says the state in the words of the member's action (キャンセル済み); the
    # model's label is shared with the admin and other apps' catalogues.
    labels[Booking.Status.CANCELLED] = pgettext("booking state", "Cancelled")
    days: dict = {}
    for row in rows:
        row.room = rooms[row.room_id]
        if row.group_id is not None:
            row.group = groups[row.group_id]
        row.status_label = labels[row.status]
        when_labels(row, days)
    return rows


def when_labels(row, days: dict) -> None:
    """What the templates' |day, |short_day and |time:"G:i" would print (``core.dates``),
    made once per row:
    ``day`` (ISO, for links), ``day_label`` (with the year), ``short_day_label``,
    ``start_time`` and ``times`` (``days`` keeps the labels of the days written so far)."""
    start, end = timezone.localtime(row.start), timezone.localtime(row.end)
    date = start.date()
    if date not in days:
        days[date] = (dates.day(date), dates.short_day(date))
    row.day = date.isoformat()
    row.day_label, row.short_day_label = days[date]
    row.start_time = f"{start.hour}:{start:%M}"
    row.times = f"{row.start_time}–{end.hour}:{end:%M}"


# What the bookings page shows of a booking and the cancellation rule reads (the other
# columns stay in the database).
LIST_FIELDS = (
    "id",
    "room_id",
    "group_id",
    "kind",
    "status",
    "status_reason",
    "start",
    "end",
    "purpose",
    "attendees",
    "actual_headcount",
    "series_id",
    "replaces_id",
)


def upcoming_bookings(groups, rooms, now: dt.datetime, limit: int) -> list[Booking]:
    """The groups' bookings that have not ended, soonest first, with ``equipment_text``.
    Cancelled ones are left out: nothing is left to do with them (the mail said so), and they
    read as if they still held the room; a declined request stays, with staff's reason."""
    by_id = {g.pk: g for g in groups}
    rows = (
        Booking.objects.filter(group__in=list(by_id), end__gt=now)
        .exclude(status=Booking.Status.CANCELLED)
        .only(*LIST_FIELDS)
        .annotate(equipment_text=equipment_text(BookingEquipment, Booking))
        .order_by("start", "pk")[:limit]
    )
    return _attach(list(rows), rooms, by_id)


def past_bookings(groups, now: dt.datetime):
    """The groups' ended bookings, newest first (a queryset, paged by ``past_page``)."""
    return (
        Booking.objects.filter(group__in=[g.pk for g in groups], end__lte=now)
        .only(*LIST_FIELDS)
        .order_by("-start", "-pk")
    )


def past_page(groups, rooms, now: dt.datetime, requested: str | None, per_page: int) -> Page:
    """The page of past bookings that ``?page=`` asks for, as ``core.pagination.paginate``
    gives it (garbled → the first, beyond the end → the last), read with its count in one
    query (``COUNT(*) OVER ()``); a page beyond the end costs a count and a second read."""
    queryset = past_bookings(groups, now)
    number = page_number(requested, PAGE_UNKNOWN)

    def read(number: int) -> list[Booking]:
        start = (number - 1) * per_page
        counted = queryset.annotate(total=Window(Count("pk")))
        return list(counted[start : start + per_page])

    rows = read(number)
    # No row: none at all (on the first page), or a page beyond the end (count them).
    total = rows[0].total if rows else (0 if number == 1 else queryset.count())
    paginator = Paginator(queryset, per_page)
    paginator.count = total  # what its own count would read
    if not rows and total:
        number = page_number(requested, paginator.num_pages)
        rows = read(number)
    page = paginator.page(page_number(str(number), paginator.num_pages))
    page.object_list = _attach(rows, rooms, {g.pk: g for g in groups})
    return page


@dataclass
class MemberLoans:
    upcoming: list[EquipmentLoan]
    past: list[EquipmentLoan]


def member_loans(groups, *, upcoming: int, past: int, today: dt.date | None = None) -> MemberLoans:
    """The groups' take-out loans in one read: those not over yet (until the return day has
    passed, and while out), soonest first, at most ``upcoming``; and the ``past`` latest of the
    others, newest first. Each with ``equipment_text``."""
    today = today or timezone.localdate()
    by_id = {g.pk: g for g in groups}
    current = Q(return_date__gte=today) | Q(status=EquipmentLoan.Status.HANDED_OUT)
    mine = EquipmentLoan.objects.filter(group__in=list(by_id)).annotate(
        equipment_text=equipment_text(EquipmentLoanItem, EquipmentLoan)
    )
    first = mine.filter(current).order_by("pickup_date", "pk")[:upcoming]
    second = mine.exclude(current).order_by("-pickup_date", "-pk")[:past]
    labels = dict(EquipmentLoan.Status.choices)
    labels[EquipmentLoan.Status.CANCELLED] = pgettext("booking state", "Cancelled")
    now_current, now_past = [], []
    for loan in first.union(second, all=True):
        loan.group = by_id[loan.group_id]
        loan.status_label = labels[loan.status]
        if loan.return_date >= today or loan.status == EquipmentLoan.Status.HANDED_OUT:
            now_current.append(loan)
        else:
            now_past.append(loan)
    now_current.sort(key=lambda loan: (loan.pickup_date, loan.pk))
    now_past.sort(key=lambda loan: (loan.pickup_date, loan.pk), reverse=True)
    return MemberLoans(upcoming=now_current, past=now_past)


# --- the desk ----------------------------------------------------------------------------------


# What the desk shows of a booking (its other columns stay in the database: a hundred full
# rows, with their groups' long texts, were most of the desk's reading time).
DESK_FIELDS = (
    "id",
    "room_id",
    "group_id",
    "kind",
    "status",
    "start",
    "end",
    "purpose",
    "attendees",
    "actual_headcount",
    "printing_masters",
    "printing_sheets",
    "replaces_id",
    "updated_at",
    "group__name",
    "replaces__start",
    "replaces__end",
    "replaces__room_id",
)


def _desk_rows(queryset, rooms: dict[int, Room]) -> list[Booking]:
    labels = dict(Booking.Status.choices)
    kinds = dict(Booking.Kind.choices)
    rows = list(
        queryset.select_related("group", "replaces")
        .only(*DESK_FIELDS)
        .annotate(equipment_text=equipment_text(BookingEquipment, Booking))
    )
    for row in rows:
        row.room = rooms[row.room_id]
        if row.replaces is not None:
            row.replaces.room = rooms[row.replaces.room_id]
        row.status_label = labels[row.status]
        row.kind_label = kinds[row.kind]
    return rows


def desk_bookings(day: dt.date, rooms: dict[int, Room]) -> list[Booking]:
    """The day's bookings for the desk, as ``selectors.desk_bookings`` gives them: a change
    awaiting approval (a request that ``replaces`` a booking) comes with the booking it
    replaces; a booking whose change waits has that change's time and room in
    ``change_start``, ``change_end``, ``change_room_id`` and ``change_room_name`` (the earliest,
    if ever there were two). Two reads: the bookings, with ``equipment_text``; the changes
    waiting for them."""
    begin = aware(day, dt.time())
    finish = aware(day + dt.timedelta(days=1), dt.time())
    rows = _desk_rows(
        Booking.objects.filter(start__gte=begin, start__lt=finish)
        .exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED])
        .order_by("start", "room__order", "room_id"),
        rooms,
    )
    waiting = {}
    for change in (
        Booking.objects.filter(
            replaces__in=[row.pk for row in rows], status=Booking.Status.REQUESTED
        )
        .order_by("-start")
        .values("replaces_id", "start", "end", "room_id")
    ):
        waiting[change["replaces_id"]] = change  # the earliest is the last one read
    for row in rows:
        change = waiting.get(row.pk)
        row.change_start = change and change["start"]
        row.change_end = change and change["end"]
        row.change_room_id = change and change["room_id"]
        row.change_room_name = change and rooms[change["room_id"]].name
    return rows


def pending_requests(rooms: dict[int, Room], limit: int, now: dt.datetime | None = None):
    """Requests awaiting approval, soonest first (as ``selectors.pending_requests``), at most
    ``limit``, with ``equipment_text``, in one read."""
    queryset = Booking.objects.filter(
        status=Booking.Status.REQUESTED, end__gt=now or timezone.now()
    ).order_by("start")[:limit]
    return _desk_rows(queryset, rooms)


def desk_loans(day: dt.date, now: dt.datetime | None = None):
    """The day's pickups and returns, overdue loans and requests awaiting approval, each loan's
    equipment as ``equipment_text`` in the loans' own read (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    status = EquipmentLoan.Status
    wanted = (
        Q(pickup_date=day, status__in=(*EquipmentLoan.LIVE_STATUSES, status.RETURNED))
        | Q(return_date=day, status__in=(status.HANDED_OUT, status.RETURNED))
        | Q(status=status.HANDED_OUT, end__lt=now)
        | Q(status=status.REQUESTED, return_date__gte=today)
    )
    labels = dict(status.choices)
    loans = list(
        EquipmentLoan.objects.filter(wanted)
        .select_related("group")
        .annotate(equipment_text=equipment_text(EquipmentLoanItem, EquipmentLoan))
        .order_by("start", "pk")
    )
    for loan in loans:
        loan.status_label = labels[loan.status]
    overdue = [loan for loan in loans if loan.is_overdue(now)]
    return DeskLoans(
        pickups=[
            loan for loan in loans if loan.pickup_date == day and loan.status != status.REQUESTED
        ],
        returns=[
            loan
            for loan in loans
            if loan.return_date == day
            and loan.status in (status.HANDED_OUT, status.RETURNED)
            and loan not in overdue
        ],
        overdue=overdue,
        pending=[loan for loan in loans if loan.status == status.REQUESTED],
    )
