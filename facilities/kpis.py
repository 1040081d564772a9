"""The facilities app's figures for the reports (composed by ``reports.kpis``).

The meeting space: facility users, bookings, booked hours, utilisation, equipment, walk-ins.

A booking counts in the fiscal year (and month) in which it starts, in Asia/Tokyo: a booking from
23:30 on March 31 to 00:30 on April 1 belongs wholly to the earlier year.

Only what has happened counts: a booking counts once it has begun, and its booked time only up to
now (``_now``), so the running year's figures are its use so far, as the report reads them (its
month-by-month table is results, its year column "to date", the pro-rata target and the year
before to the same day compare with them); bookings still to come count in none of them.
Utilisation divides by the opening hours to now likewise (``open_hours``).

One query per period (UNION ALL): bookings grouped by fiscal year or month (conditional
aggregates per status), equipment lines of used bookings grouped by the booking's year or month,
walk-in counts grouped by year or month.
Per room: one query over the rooms with their bookings' aggregates, plus
``open_hours`` for the opening hours.

Within ``reading(Reading(first, last, cut=...))`` (a year's report, issue #20) the years'
figures, months, rooms and the figures to the ``cut`` are all derived from one query: the years'
bookings that count (not maintenance; used, confirmed, cancelled, missed) grouped by month,
room, status and before the cut or not (a few thousand rows at most), the equipment lent and
the walk-ins by month. Reading the same bookings once instead of four times was most of the
year's page built afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DurationField,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Extract, Least, TruncMonth
from django.utils import timezone

from core.aside import Aside
from core.fiscal import TOKYO, FiscalYear, FiscalYearOf, fiscal_year_of
from core.kpis import (
    YearsReading,
    cutoff_instant,
    date_period_filter,
    empty_months,
    hours,
    month_key,
    percent,
    period_filter,
    summed_by_field,
    year_range,
)
from facilities.models import Booking, BookingEquipment, Room, WalkInCount
from facilities.selectors import open_hours_by_room
from groups.models import ActivityField

KEYS = (
    "facility_users",
    "bookings_used",
    "bookings_cancelled",
    "bookings_no_show",
    "booked_hours",
    "utilisation_rate",
    "equipment_loans",
    "walk_in_visitors",
)

USED = Booking.Status.USED
CANCELLED = Booking.Status.CANCELLED
NO_SHOW = Booking.Status.NO_SHOW
# Bookings that count as booked time: confirmed and used ones (a confirmed booking that has
# begun and was not recorded as used or a no-show held the room). Maintenance blocks are not
# bookings of the office's users.
HELD = (Booking.Status.CONFIRMED, Booking.Status.USED)
MAINTENANCE = Booking.Kind.MAINTENANCE


def _now() -> dt.datetime:
    """Until when bookings count: what has begun by now, its time up to now."""
    return timezone.now()


def _begun(field: str, first: int | None, last: int, now: dt.datetime) -> dict:
    """``period_filter`` for bookings that have begun by ``now``."""
    lookups = period_filter(field, first, last)
    lookups[f"{field}__lt"] = min(lookups[f"{field}__lt"], now)
    return lookups


def _booked_time(path: str, now: dt.datetime):
    """A booking's time up to ``now`` (all of it once it has ended)."""
    return Least(F(f"{path}end"), Value(now, output_field=DateTimeField())) - F(f"{path}start")


def _booking_aggregates(path: str = "", within: Q | None = None, *, now: dt.datetime) -> dict:
    """Conditional aggregates over bookings (``path`` leads to them from another model) that
    have begun by ``now``, their time counted up to ``now``."""

    def status_is(*values):
        condition = Q(**{f"{path}status__in": values}) & ~Q(**{f"{path}kind": MAINTENANCE})
        return condition & within if within is not None else condition

    duration = Extract(_booked_time(path, now), "epoch", output_field=FloatField())
    return {
        "bookings_used": Count(f"{path}pk", filter=status_is(USED)),
        "bookings_cancelled": Count(f"{path}pk", filter=status_is(CANCELLED)),
        "bookings_no_show": Count(f"{path}pk", filter=status_is(NO_SHOW)),
        "booked_seconds": Coalesce(
            Sum(duration, filter=status_is(*HELD)), 0.0, output_field=FloatField()
        ),
        "headcount": Coalesce(Sum(f"{path}actual_headcount", filter=status_is(USED)), 0),
    }


# The booking aggregates' names, in the order of ``_booking_aggregates``.
BOOKING_COLUMNS = (
    "bookings_used",
    "bookings_cancelled",
    "bookings_no_show",
    "booked_seconds",
    "headcount",
)


def _figures(row: dict) -> dict:
    return {
        "bookings_used": row.get("bookings_used", 0),
        "bookings_cancelled": row.get("bookings_cancelled", 0),
        "bookings_no_show": row.get("bookings_no_show", 0),
        "booked_hours": hours(row.get("booked_seconds")),
        "booking_headcount": row["headcount"] or 0,
    }


def _zero() -> dict:
    return {
        "bookings_used": 0,
        "bookings_cancelled": 0,
        "bookings_no_show": 0,
        "booked_hours": hours(0),
        "booking_headcount": 0,
        "equipment_loans": 0,
        "walk_in_visitors": 0,
        "facility_users": 0,
    }


ZERO = Value(0, output_field=IntegerField())
NO_TIME = dt.timedelta(0)
ZERO_SECONDS = Value(0.0, output_field=FloatField())


def _gathered(group, first: int | None, last: int) -> dict:
    """{group value: figures} of bookings, equipment lent and walk-ins in one query (UNION
    ALL): rows (group, part, used, cancelled, no-show, booked seconds, headcount, n), where
    ``group(field, is_date)`` is the SQL expression grouping by year or month."""
    columns = ("g", "part", *BOOKING_COLUMNS, "n")
    now = _now()
    bookings = (
        Booking.objects.filter(**_begun("start", first, last, now))
        .values(g=group("start", False))
        .annotate(part=Value("bookings"), **_booking_aggregates(now=now), n=ZERO)
        .order_by()
        .values_list(*columns)
    )
    padding = dict.fromkeys(BOOKING_COLUMNS, ZERO) | {"booked_seconds": ZERO_SECONDS}
    loans = (
        BookingEquipment.objects.filter(
            booking__status=USED, **_begun("booking__start", first, last, now)
        )
        .values(g=group("booking__start", False))
        .annotate(part=Value("loans"), **padding, n=Sum("quantity"))
        .order_by()
        .values_list(*columns)
    )
    walk_ins = (
        WalkInCount.objects.filter(**date_period_filter("date", first, last))
        .values(g=group("date", True))
        .annotate(part=Value("walk_ins"), **padding, n=Sum("count"))
        .order_by()
        .values_list(*columns)
    )
    result: dict = {}
    for g, part, *values, n in bookings.union(loans, walk_ins, all=True):
        figures = result.setdefault(g, _zero())
        if part == "bookings":
            figures.update(_figures(dict(zip(BOOKING_COLUMNS, values, strict=True))))
        elif part == "loans":
            figures["equipment_loans"] = n or 0
        else:
            figures["walk_in_visitors"] = n or 0
    for figures in result.values():
        figures["facility_users"] = figures["booking_headcount"] + figures["walk_in_visitors"]
    return result


# --- One reading of the years' bookings (issue #20)


class Reading(YearsReading):
    """The bookings, equipment lent and walk-ins of fiscal years ``first``..``last``, read in
    one query when first needed (nothing is read if no figure of this app is asked for). Each
    row also says whether it falls before ``cut``: the first instant after the last day counted
    (midnight in Asia/Tokyo, ``core.kpis.cutoff_instant``) when the report compares the running
    year with the year before to the same day."""

    _aside: Aside | None = None

    def read_aside(self) -> None:
        """Start reading the rows now, on a connection of their own (``core.aside``): the
        report gathers the other sources' figures meanwhile and asks for these last
        (``waiting``)."""
        if self._aside is None and "_rows" not in self.__dict__:
            self._aside = Aside(self._read)

    @property
    def started(self) -> bool:
        """Whether the rows are read, or being read aside."""
        return self._aside is not None or "_rows" in self.__dict__

    @property
    def waiting(self) -> bool:
        """Whether the rows are being read aside and not asked for yet."""
        return self._aside is not None and self._aside.in_thread and "_rows" not in self.__dict__

    @cached_property
    def _rows(self) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        return self._aside.value() if self._aside is not None else self._read()

    def _read(self) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        """(bookings, loans, walk-ins, the last year's use by group): bookings as (month, room
        id, status, before the cut, n, time booked, headcount); loans and walk-ins as (month,
        before the cut, n); use by group as (group id, used bookings, headcount).
        The time booked is summed as intervals (exact, as the decimal seconds they replace:
        adding them up here gives what one SQL sum over the same bookings gives) and read back
        as timedeltas: cheaper to sum in SQL than the seconds of each booking as decimals."""
        start, end = FiscalYear(self.first).start, FiscalYear(self.last).end
        # Each row's month and side of the cut in one small number: the bucket of its start
        # among the months' first instants and the cut (WIDTH_BUCKET, a binary search), not
        # DATE_TRUNC in Asia/Tokyo and a comparison: a third of the query's time, and an
        # integer to group by and to read back.
        months = [
            FiscalYear(year).start.replace(month=month % 12 + 1, year=year + (month >= 12))
            for year in range(self.first, self.last + 1)
            for month in range(3, 15)
        ]
        bounds = sorted({*months, *([self.cut] if self.cut is not None else [])})
        lowers = [
            (month_key(bound), self.cut is None or bound < self.cut) for bound in bounds
        ]  # bucket n (from 1) starts at bounds[n - 1]

        def bucket(field: str, is_date: bool):
            if is_date:
                values = [bound.astimezone(TOKYO).date() for bound in bounds]
                array = ArrayField(DateField())
            else:
                values, array = bounds, ArrayField(DateTimeField())
            return Func(
                F(field),
                Value(values, output_field=array),
                function="WIDTH_BUCKET",
                output_field=IntegerField(),
            )

        columns = ("part", "m", "rm", "st", "n", "seconds", "people")
        # What has begun by now counts (its time up to now): never bookings still to come.
        now = _now()
        end = min(end, now)
        bookings = (
            # Only the bookings some figure counts: maintenance blocks, requests and refusals
            # are left in the table (equipment lent with a maintenance block still counts).
            Booking.objects.filter(
                start__gte=start, start__lt=end, status__in=(*HELD, CANCELLED, NO_SHOW)
            )
            .exclude(kind=MAINTENANCE)
            .values(
                m=bucket("start", False),
                rm=F("room_id"),
                st=F("status"),
            )
            .annotate(
                part=Value("bookings"),
                # COUNT(*), not COUNT(id): one column fewer to carry, and PostgreSQL groups
                # in a hash table instead of sorting the years' bookings (half the time).
                n=Count("*"),
                seconds=Sum(_booked_time("", now), output_field=DurationField()),
                people=Sum("actual_headcount"),
            )
            .order_by()
            .values_list(*columns)
        )
        nothing = {
            "rm": Value(None, output_field=IntegerField()),
            "st": Value(""),
            "seconds": Value(None, output_field=DurationField()),
            "people": Value(None, output_field=IntegerField()),
        }
        loans = (
            BookingEquipment.objects.filter(
                booking__status=USED, booking__start__gte=start, booking__start__lt=end
            )
            .values(m=bucket("booking__start", False))
            .annotate(part=Value("loans"), **nothing, n=Sum("quantity"))
            .order_by()
            .values_list(*columns)
        )
        walk_ins = (
            WalkInCount.objects.filter(
                date__gte=FiscalYear(self.first).first_day, date__lte=FiscalYear(self.last).last_day
            )
            .values(m=bucket("date", True))
            .annotate(part=Value("walk_ins"), **nothing, n=Sum("count"))
            .order_by()
            .values_list(*columns)
        )
        # The last year's used bookings by group (``use_by_group``, the breakdowns) in the same
        # statement: PostgreSQL reads them beside the other parts (a parallel append) instead
        # of in a query of their own (issue #20). Their bucket is none of the months'.
        by_group = (
            Booking.objects.filter(_used_in(FiscalYear(self.last)), group__isnull=False)
            .values(rm=F("group_id"))
            .annotate(
                part=Value("groups"),
                m=ZERO,
                st=Value(""),
                n=Count("*"),
                seconds=Value(None, output_field=DurationField()),
                people=Sum("actual_headcount"),
            )
            .order_by()
            .values_list(*columns)
        )
        parts: dict[str, list[tuple]] = {"bookings": [], "loans": [], "walk_ins": [], "groups": []}
        for part, m, room, status, n, secs, people in bookings.union(
            loans, walk_ins, by_group, all=True
        ):
            if part == "groups":
                parts[part].append((room, n, people or 0))
                continue
            month, is_before = lowers[m - 1]
            if part == "bookings":
                row = (month, room, status, is_before, n, secs or NO_TIME, people or 0)
            else:
                row = (month, is_before, n or 0)
            parts[part].append(row)
        return parts["bookings"], parts["loans"], parts["walk_ins"], parts["groups"]

    def _tallies(self, key, *, counted: bool) -> dict:
        """{key(month, room): figures} from the rows (only those before the cut if
        ``counted``); keys for which ``key`` gives None are left out."""
        bookings, loans, walk_ins, _groups = self._rows
        tallies: dict = {}

        def tally(k) -> dict:
            return tallies.setdefault(
                k,
                {"used": 0, "cancelled": 0, "no_show": 0, "seconds": NO_TIME, "people": 0}
                | {"loans": 0, "walk_ins": 0},
            )

        for month, room, status, is_before, n, secs, people in bookings:
            k = key(month, room)
            if k is None or (counted and not is_before):
                continue
            t = tally(k)
            if status == USED:
                t["used"] += n
                t["people"] += people
            elif status == CANCELLED:
                t["cancelled"] += n
            elif status == NO_SHOW:
                t["no_show"] += n
            if status in HELD:
                t["seconds"] += secs
        for name, rows in (("loans", loans), ("walk_ins", walk_ins)):
            for month, is_before, n in rows:
                k = key(month, None)
                if k is not None and not (counted and not is_before):
                    tally(k)[name] += n
        return tallies

    @staticmethod
    def _figures(t: dict) -> dict:
        figures = _zero()
        figures.update(
            bookings_used=t["used"],
            bookings_cancelled=t["cancelled"],
            bookings_no_show=t["no_show"],
            booked_hours=hours(t["seconds"].total_seconds()),
            booking_headcount=t["people"],
            equipment_loans=t["loans"],
            walk_in_visitors=t["walk_ins"],
            facility_users=t["people"] + t["walk_ins"],
        )
        return figures

    def use_by_group(self) -> dict[int, dict]:
        """``use_by_group`` of the last year, from the rows read once."""
        return {group: {"bookings_used": n, "users": people} for group, n, people in self._rows[3]}

    def yearly(self, first: int, last: int) -> dict[int, dict]:
        tallies = self._tallies(
            lambda month, room: fiscal_year_of(month), counted=cutoff_instant() is not None
        )
        return {
            fy: self._figures(tallies[fy]) if fy in tallies else _zero()
            for fy in range(first, last + 1)
        }

    def monthly(self, fy: FiscalYear) -> dict:
        tallies = self._tallies(
            lambda month, room: month if fiscal_year_of(month) == fy.year else None,
            counted=False,
        )
        return {month: self._figures(t) for month, t in tallies.items()}

    def rooms(self, fy: FiscalYear) -> dict[int, dict]:
        """{room id: {"bookings_used", ..., "booked_seconds", "headcount"}} of ``fy``."""
        tallies = self._tallies(
            lambda month, room: room if room and fiscal_year_of(month) == fy.year else None,
            counted=False,
        )
        return {
            room: {
                "bookings_used": t["used"],
                "bookings_cancelled": t["cancelled"],
                "bookings_no_show": t["no_show"],
                "booked_seconds": t["seconds"].total_seconds(),
                "headcount": t["people"],
            }
            for room, t in tallies.items()
        }


_READING: ContextVar[Reading | None] = ContextVar("facilities_kpis_reading", default=None)


def waiting() -> bool:
    """Whether the rows of the ``reading`` in force are still being read aside (asked for
    after the other sources' figures, ``reports.kpis``)."""
    read = _READING.get()
    return read is not None and read.waiting


@contextmanager
def reading(read: Reading) -> Iterator[Reading]:
    """Within the block, ``yearly``, ``monthly`` and ``rooms`` answer from ``read``'s rows for
    the years it holds (the same figures as their own queries give)."""
    token = _READING.set(read)
    try:
        yield read
    finally:
        _READING.reset(token)


def _fiscal_year(field: str, is_date: bool):
    return FiscalYearOf(field)


def _month(field: str, is_date: bool):
    if is_date:
        return TruncMonth(field, output_field=DateField())
    return TruncMonth(field, tzinfo=TOKYO, output_field=DateField())


def yearly(*, first: int | None, last: int) -> dict[int, dict]:
    read = _READING.get()
    if read is not None and read.covers(first, last):
        return read.yearly(first, last)
    gathered = _gathered(_fiscal_year, first, last)
    return {fy: gathered.get(fy, _zero()) for fy in year_range(first, last, gathered)}


def monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, [k for k in KEYS if k != "utilisation_rate"])
    for figures in months.values():
        figures.update(_zero())
    read = _READING.get()
    if read is not None and read.holds(fy.year):
        gathered = read.monthly(fy)
    else:
        gathered = _gathered(_month, fy.year, fy.year)
    for month, figures in gathered.items():
        months[month_key(month)].update(figures)
    return months


def open_hours(fy: FiscalYear) -> dict:
    """{room_id: opening hours in the year}: to now in the running year (the hours its booked
    time is counted in, ``_now``), none in a year still to come."""
    return open_hours_by_room(fy.first_day, fy.last_day, until=_now())


def rooms(fy: FiscalYear, opening: dict | None = None) -> list[dict]:
    """Each room's bookings, booked hours, users and utilisation (booked ÷ open hours) in ``fy``.

    One query: the rooms joined to their bookings of the year only (the year's bounds are part of
    the join, so the index on (room, start) serves it), plus the rooms' opening hours.
    """
    read = _READING.get()
    if read is not None and read.first <= fy.year <= read.last:
        # The rooms alone; their figures from the rows read once (no cut applies to rooms).
        figures = read.rooms(fy)
        empty = dict.fromkeys(BOOKING_COLUMNS, 0) | {"booked_seconds": 0.0}
        rows = [
            row | figures.get(row["pk"], empty)
            for row in Room.objects.values("pk", "name", "slug").order_by(
                *(Room._meta.ordering or ["pk"])
            )
        ]
    else:
        now = _now()
        in_year = FilteredRelation(
            "bookings",
            condition=Q(bookings__start__gte=fy.start, bookings__start__lt=min(fy.end, now)),
        )
        rows = (
            Room.objects.alias(year_bookings=in_year)
            .values("pk", "name", "slug")
            .annotate(**_booking_aggregates("year_bookings__", now=now))
            .order_by(*(Room._meta.ordering or ["pk"]))
        )
    if opening is None:
        opening = open_hours(fy)
    result = []
    for row in rows:
        booked = hours(row["booked_seconds"])
        open_h = opening.get(row["pk"])
        result.append(
            {
                "pk": row["pk"],
                "slug": row["slug"],
                "name": row["name"],
                "bookings_used": row["bookings_used"],
                "bookings_cancelled": row["bookings_cancelled"],
                "bookings_no_show": row["bookings_no_show"],
                "users": row["headcount"] or 0,
                "booked_hours": booked,
                "open_hours": hours(open_h * 3600) if open_h is not None else None,
                "utilisation_rate": percent(booked, open_h) if open_h else None,
            }
        )
    return result


def utilisation(room_rows: list[dict]) -> dict:
    """The year's overall utilisation from the per-room rows."""
    booked = sum((r["booked_hours"] for r in room_rows if r["open_hours"]), hours(0))
    opening = sum((r["open_hours"] for r in room_rows if r["open_hours"]), hours(0))
    return {"utilisation_rate": percent(booked, opening), "open_hours": opening}


# --- Breakdowns by group and by activity field (issue 17 part 1)


def _used_in(fy: FiscalYear, path: str = "") -> Q:
    """Used bookings (not maintenance) that start in ``fy``."""
    return Q(
        **{
            f"{path}status": USED,
            f"{path}start__gte": fy.start,
            f"{path}start__lt": fy.end,
        }
    ) & ~Q(**{f"{path}kind": MAINTENANCE})


def use_by_group(fy: FiscalYear) -> dict[int, dict]:
    """{group id: {"bookings_used", "users"}} for the groups that used a room in ``fy`` (users:
    the headcounts recorded for their used bookings), one query (none within the ``reading``
    of a year's report whose last year it is, once its rows are read)."""
    read = _READING.get()
    # Only from rows read (or being read): their query is much dearer than this one alone.
    if read is not None and read.last == fy.year and read.started:
        return read.use_by_group()
    return {
        row["group"]: {"bookings_used": row["n"], "users": row["people"] or 0}
        for row in Booking.objects.filter(_used_in(fy), group__isnull=False)
        .values("group")
        .annotate(n=Count("pk"), people=Sum("actual_headcount"))
        .order_by()
    }


def use_by_field(fy: FiscalYear) -> list[dict]:
    """[{"name", "bookings_used", "users"}] by the booking group's activity field, in the fields'
    order, one query (a group in two fields counts in both)."""
    # The year's bounds in the join (as ``rooms``), so the index on (group, start) serves it:
    # as a FILTER, every booking of every group was joined first (issue #20).
    used = FilteredRelation("groups__bookings", condition=_used_in(fy, "groups__bookings__"))
    rows = (
        ActivityField.objects.alias(used_bookings=used)
        .annotate(
            used=Count("used_bookings"),
            people=Coalesce(Sum("used_bookings__actual_headcount"), 0),
        )
        .order_by("order", "pk")
    )
    return [
        {"slug": row.slug, "name": row.name, "bookings_used": row.used, "users": row.people}
        for row in rows
    ]


def use_by_field_from(fields: list[dict], by_group: dict[int, dict]) -> list[dict]:
    """``use_by_field`` summed from the same year's ``use_by_group`` and the fields' groups
    (``groups.kpis.fields_with_groups``), no query: the same rows."""
    return summed_by_field(fields, by_group, ("bookings_used", "users"))
