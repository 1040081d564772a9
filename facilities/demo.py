"""Demo data: rooms, equipment, rules, and years of bookings with recorded headcounts.

Facility users (booking headcounts + walk-ins) grow year by year the way the seed document's
office did (FY2007 4,768 → FY2011 6,092): about 4,800 six fiscal years ago to about 6,100 last
year. Scale 1 makes a few thousand bookings; ``--scale 10`` makes a few hundred thousand in
extra training rooms. Idempotent: the bookings are made only when there are none.

Every row goes through the services, so the demo holds only states the product can reach: the
years of bookings through ``services.bookings_record_bulk`` (the same rules, checked per row,
written in chunks, one audit row per step dated when it happened), walk-in counts, the
no-shows that suspend a group, and take-out loans through the one-by-one services, each given
(``now=``) the past moment staff would have acted at; the featured group's coming bookings
through ``booking_create`` and ``series_create`` today.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict

import jpholiday
from django.db.models import Count
from django.utils import timezone

from core.fiscal import TOKYO, FiscalYear
from facilities import services
from facilities.calendar import OfficeCalendar, days_between
from facilities.models import (
    Booking,
    BookingSeries,
    ClosedDay,
    Equipment,
    EquipmentLoan,
    FacilitySettings,
    OpeningHours,
    Room,
    WalkInCount,
    default_equipment_slug,
)
from facilities.rules import loan_period
from facilities.selectors import equipment_in_use
from facilities.services import PastBooking, office
from facilities.services import rooms as room_services
from groups.models import Group

BATCH = 5000
YEARS_BACK = 6
FIRST_USERS, LAST_USERS = 4768, 6092  # the seed document's FY2007 and FY2011 figures
WALK_IN_SHARE = 0.12

# slug, name, capacity, floor, features, settings
ROOMS = [
    (
        "meeting-a",
        "ミーティングスペースA",
        12,
        "1階",
        "ホワイトボード、大型モニター、Wi-Fi",
        {"slot_minutes": 30, "min_minutes": 60, "max_minutes": 240},
    ),
    (
        "meeting-b",
        "ミーティングスペースB",
        8,
        "1階",
        "ホワイトボード、Wi-Fi",
        {"slot_minutes": 30, "min_minutes": 60, "max_minutes": 240},
    ),
    (
        "kaigishitsu",
        "会議室",
        30,
        "2階",
        "長机10台、いす30脚、プロジェクター用スクリーン、流し台",
        {
            "mode": Room.Mode.BLOCKS,
            "requires_approval": True,
            "window_kind": Room.Window.MONTH_START,
            "window_months": 2,
            "cancel_deadline_hours": 72,
        },
    ),
    (
        "sagyoshitsu",
        "作業室",
        6,
        "1階",
        "輪転機、紙折り機、裁断機、大型作業台",
        {"slot_minutes": 30, "min_minutes": 60, "max_minutes": 180, "buffer_minutes": 30},
    ),
]
BLOCKS = [("午前", dt.time(9), dt.time(12)), ("午後", dt.time(13), dt.time(17)),
          ("夜間", dt.time(18), dt.time(21))]  # fmt: skip

# name, quantity, may leave the building, notes
# name, web address name (?equipment=<slug>), quantity, may leave the building, notes
EQUIPMENT = [
    ("プロジェクター", "projector", 2, True, "HDMI接続。ノートPCと一緒にどうぞ。"),
    ("スクリーン", "screen", 1, True, "自立式100インチ"),
    ("ノートPC", "laptop", 4, False, "Windows、オフィスソフト入り"),
    ("輪転機", "risograph", 1, False, "製版と印刷枚数を窓口で記録します（実費）"),
    ("拡声器", "megaphone", 2, True, "イベントの誘導用"),
    ("ポータブルマイク・アンプ", "portable-pa", 1, True, "ワイヤレスマイク2本付き"),
]

# Candidate times per room kind (local), spaced for the room's buffer.
SLOT_TEMPLATES = {
    "meeting": [("9:30", "11:30"), ("13:00", "15:00"), ("15:30", "17:00"), ("18:30", "20:30")],
    "sagyoshitsu": [("9:30", "11:00"), ("13:00", "14:30"), ("15:00", "16:30"), ("18:30", "20:00")],
    "training": [("9:00", "11:00"), ("11:00", "12:00"), ("13:00", "15:00"), ("15:00", "17:00"),
                 ("18:00", "19:30"), ("19:30", "21:00")],
}  # fmt: skip
SLOT_WEIGHTS = {"9": 0.8, "1": 1.0, "11": 0.6, "15": 0.9, "18": 1.3, "19": 1.2}

PURPOSES = [
    "定例会", "役員会", "総会の準備", "会報の編集会議", "イベントの打ち合わせ", "講座の準備",
    "勉強会", "子ども食堂の献立会議", "ボランティア研修", "交流会の打ち合わせ", "パソコン講習",
    "写真展の準備", "防災マップづくり", "朗読の練習", "事業計画の検討", "助成金申請の相談",
    "清掃活動の打ち合わせ", "子育てサロンの準備", "外国人住民との交流会の準備", "手話の学習会",
]  # fmt: skip
PRINT_PURPOSES = ["会報の印刷", "チラシの印刷・折り作業", "会員名簿の作成", "資料の印刷と製本"]
OFFICE_PURPOSES = ["運営委員会", "登録団体情報交換会", "NPO講座（オフィス主催）", "広報番組の収録"]


def _t(text: str) -> dt.time:
    hour, minute = (int(x) for x in text.split(":"))
    return dt.time(hour, minute)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TOKYO)


def seed(ctx) -> None:
    users = ctx.shared.get("users", {})
    staff = users.get("staff@example.com")
    if staff is None:
        ctx.say("facilities: no staff account to set up the rooms, so no facilities")
        return
    rooms = _seed_rooms(ctx, staff)
    equipment = _seed_equipment(staff)
    _seed_rules(ctx, staff)
    # Groups made in bulk (the groups demo's years) get their calendar feed here, as the hook
    # gives one to each group made one by one.
    services.group_feeds_create_bulk(groups=Group.objects.only("pk"))
    if Booking.objects.exists():
        _seed_loans(ctx, equipment)
        ctx.say(f"facilities: {len(rooms)} rooms, bookings already there")
        return
    groups = list(ctx.shared.get("groups") or [])
    if not groups:
        groups = list(Group.objects.registered())
    if not groups:
        ctx.say("facilities: no registered groups, so no bookings")
        return
    made = _seed_bookings(ctx, rooms, equipment, groups, staff)
    _seed_rep_group(ctx, rooms, equipment, users)
    _seed_suspension(ctx, groups, rooms, staff)
    _seed_loans(ctx, equipment)
    ctx.say(
        f"facilities: {len(rooms)} rooms, {len(equipment)} kinds of equipment, "
        f"{made:,} bookings, {WalkInCount.objects.count():,} days of walk-in counts"
    )


# --- resources and rules: staff set them up through the office's services ---------------------


def _room(staff, slug: str, values: dict, blocks=()) -> Room:
    room = Room.objects.filter(slug=slug).first()
    if room is None:
        room = room_services.room_save(actor=staff, values={"slug": slug, **values})
        if blocks:
            room_services.room_blocks_set(actor=staff, room=room, blocks=list(blocks))
    return room


def _seed_rooms(ctx, staff) -> list[Room]:
    rooms = []
    for order, (slug, name, capacity, floor, features, options) in enumerate(ROOMS, start=1):
        values = {"name": name, "capacity": capacity, "floor": floor, "features": features,
                  "order": order, **options}  # fmt: skip
        blocks = BLOCKS if options.get("mode") == Room.Mode.BLOCKS else ()
        rooms.append(_room(staff, slug, values, blocks))
    # Benchmark volume needs more rooms: training rooms, enough for the extra bookings.
    extra = 0 if ctx.scale <= 1 else math.ceil(ctx.scale**1.6 * 0.8)
    for n in range(1, extra + 1):
        values = {"name": f"研修室{n}", "capacity": 20, "floor": "3階", "order": 10 + n,
                  "features": "長机、いす、ホワイトボード", "slot_minutes": 30,
                  "min_minutes": 60, "max_minutes": 240}  # fmt: skip
        rooms.append(_room(staff, f"training-{n}", values))
    return rooms


def _seed_equipment(staff) -> list[Equipment]:
    items = []
    for order, (name, slug, quantity, leaves, notes) in enumerate(EQUIPMENT, start=1):
        item = Equipment.objects.filter(name=name).first() or room_services.equipment_save(
            actor=staff,
            values={"name": name, "slug": slug, "quantity": quantity,
                    "may_leave_building": leaves, "notes": notes, "order": order},
        )  # fmt: skip
        if item.slug == default_equipment_slug(item.pk):
            # Made before equipment had web address names (migration 0006): name it now.
            item = room_services.equipment_save(actor=staff, values={"slug": slug}, equipment=item)
        items.append(item)
    return items


def _seed_rules(ctx, staff) -> None:
    if FacilitySettings.load().group_monthly_hours is None:
        office.facility_settings_update(actor=staff, values={"group_monthly_hours": 30})
    if not OpeningHours.objects.exists():
        for weekday in range(7):
            closes = dt.time(17) if weekday == 6 else dt.time(21)
            office.opening_hours_set(actor=staff, weekday=weekday, opens=dt.time(9), closes=closes)
    if ClosedDay.objects.exists():
        return
    # 館内整理日: the third Monday of each month (when it is not a holiday anyway).
    first = FiscalYear(FiscalYear.of(ctx.today).year - YEARS_BACK).first_day
    month = first.replace(day=1)
    while month <= ctx.today + dt.timedelta(days=400):
        day = month + dt.timedelta(days=(0 - month.weekday()) % 7 + 14)
        if not jpholiday.is_holiday(day):
            office.closed_day_save(actor=staff, date=day, room=None, reason="館内整理日")
        month = (month + dt.timedelta(days=32)).replace(day=1)


# --- years of bookings -------------------------------------------------------------------------


def _users_target(fy: int, first_fy: int, last_full_fy: int) -> float:
    """Facility users in a fiscal year: the seed document's growth, stretched over our years."""
    if last_full_fy == first_fy:
        return LAST_USERS
    step = (LAST_USERS - FIRST_USERS) / (last_full_fy - first_fy)
    return FIRST_USERS + step * (fy - first_fy)


def _templates(room: Room) -> list[tuple[dt.time, dt.time, float]]:
    if room.uses_blocks:
        return [(b.starts, b.ends, 1.0) for b in room.blocks.all()]
    key = (
        "sagyoshitsu"
        if room.slug == "sagyoshitsu"
        else "training"
        if room.slug.startswith("training")
        else "meeting"
    )
    return [(_t(s), _t(e), SLOT_WEIGHTS.get(s.split(":")[0], 1.0)) for s, e in SLOT_TEMPLATES[key]]


class _Plan:
    """Bookings planned in memory: the room's taken periods and equipment use per day."""

    def __init__(self):
        self.taken: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(
            list
        )
        self.lent: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime, int]]] = (
            defaultdict(list)
        )

    def room_free(self, room, day, start, end) -> bool:
        buffer = dt.timedelta(minutes=room.buffer_minutes)
        return all(
            not (s < end + buffer and e + buffer > start) for s, e in self.taken[(room.pk, day)]
        )

    def take(self, room, day, start, end) -> None:
        self.taken[(room.pk, day)].append((start, end))

    def equipment_free(self, item, day, start, end, quantity) -> bool:
        events = []
        for s, e, q in self.lent[(item.pk, day)]:
            if s < end and e > start:
                events += [(max(s, start), q), (min(e, end), -q)]
        level = peak = 0
        for _when, delta in sorted(events):
            level += delta
            peak = max(peak, level)
        return peak + quantity <= item.quantity

    def lend(self, item, day, start, end, quantity) -> None:
        self.lent[(item.pk, day)].append((start, end, quantity))


def _seed_bookings(ctx, rooms, equipment, groups, staff) -> int:
    rng = ctx.rng
    today = ctx.today
    now = timezone.now()
    current = FiscalYear.of(today)
    first_fy = current.year - YEARS_BACK
    first_day = FiscalYear(first_fy).first_day
    last_day = today + dt.timedelta(days=62)
    year_end = current.last_day
    cal = OfficeCalendar.load(first_day, max(last_day, year_end))
    volume = ctx.scale**1.6 if ctx.scale > 1 else 1.0
    by_name = {e.name: e for e in equipment}
    groups = sorted(groups, key=lambda g: (g.registered_on or first_day, g.pk))
    registered_days = [g.registered_on or first_day for g in groups]
    plan = _Plan()
    templates = {room.pk: _templates(room) for room in rooms}
    # Reserve the featured group's upcoming dates first (see _seed_rep_group).
    # (its equipment too: the booking service checks the stock, as for anyone).
    for room, day, start, end in _rep_group_slots(ctx, rooms, cal):
        plan.take(room, day, start, end)
        for name, q in REP_GROUP_EQUIPMENT.get(room.slug, []):
            plan.lend(by_name[name], day, start, end, q)

    def fits(day, room):
        hours = cal.hours_on(day, room.pk)
        if hours is None:
            return []
        return [(s, e, w) for s, e, w in templates[room.pk] if s >= hours[0] and e <= hours[1]]

    made = 0
    limit = FacilitySettings.load().no_show_limit
    featured, quiet_from = ctx.shared.get("rep_group"), today.replace(day=1)
    pending: list[PastBooking] = []
    for fy in range(first_fy, current.year + 1):
        year = FiscalYear(fy)
        open_days = [d for d in days_between(year.first_day, year.last_day) if cal.hours_on(d)]
        if not open_days:
            continue
        target = _users_target(fy, first_fy, current.year - 1) * volume
        if fy == current.year:
            target *= 1.03  # still growing
        elapsed = sum(1 for d in open_days if d < today) / len(open_days)
        booking_users = target * (1 - WALK_IN_SHARE)
        wanted = booking_users / 7.2 / 0.9  # about 7 people a booking, 90 % of bookings used
        weights = sum(w for d in open_days for r in rooms for _s, _e, w in fits(d, r))
        probability = min(0.92, wanted / max(weights, 1))
        year_rows = []
        no_shows: dict[int, int] = defaultdict(int)
        for day in open_days:
            if day > last_day:
                break
            eligible = bisect.bisect_right(registered_days, day)
            for room in rooms:
                for start_t, end_t, weight in fits(day, room):
                    if rng.random() >= probability * weight:
                        continue
                    start, end = _at(day, start_t), _at(day, end_t)
                    if not plan.room_free(room, day, start, end):
                        continue
                    row = _make_booking(rng, room, start, end, groups, eligible, now, staff)
                    if row is None:
                        continue
                    booking, lines = row
                    if featured is not None and booking.group == featured and day >= quiet_from:
                        continue  # the featured group books this month's dates itself (below)
                    # A group missing as many bookings in a year as the limit is suspended
                    # (the desk's service does it): the demo's one suspension is made below.
                    if booking.outcome == Booking.Status.NO_SHOW:
                        no_shows[booking.group.pk] += 1
                        if no_shows[booking.group.pk] >= limit:
                            booking.outcome = Booking.Status.USED
                    booking.equipment = {
                        by_name[name]: q
                        for name, q in lines
                        if plan.equipment_free(by_name[name], day, start, end, q)
                    }
                    if booking.outcome in Booking.LIVE_STATUSES:
                        plan.take(room, day, start, end)
                        for item, q in booking.equipment.items():
                            plan.lend(item, day, start, end, q)
                    year_rows.append(booking)
        _record_headcounts(rng, year_rows, booking_users * elapsed)
        _seed_walk_ins(rng, open_days, target * WALK_IN_SHARE, today, staff)
        pending += year_rows
        if len(pending) >= BATCH:
            made += services.bookings_record_bulk(actor=staff, rows=pending, now=now)
            pending = []
    made += services.bookings_record_bulk(actor=staff, rows=pending, now=now)
    return made


def _make_booking(rng, room, start, end, groups, eligible, now, staff):
    roll = rng.random()
    past = end <= now
    today = timezone.localdate(now)
    if roll < 0.025 and room.slug in ("kaigishitsu", "meeting-a"):
        group, kind, booked_by = None, Booking.Kind.EVENT, staff
        purpose = rng.choice(OFFICE_PURPOSES)
        attendees = min(room.capacity, rng.randint(10, 30))
    else:
        if eligible == 0:
            return None
        # Long-registered groups book more often than newcomers.
        group = groups[min(eligible - 1, int(eligible * rng.random() ** 1.8))]
        kind, booked_by = Booking.Kind.GROUP, None  # asked for by phone or at the desk
        printing = room.slug == "sagyoshitsu"
        purpose = rng.choice(PRINT_PURPOSES if printing else PURPOSES)
        attendees = max(2, min(room.capacity, int(rng.gauss(8, 3))))
    requested_at = start - dt.timedelta(days=rng.randint(3, 55))
    if requested_at > now:
        requested_at = now - dt.timedelta(hours=rng.randint(1, 48))
    if group is not None:  # a group books from the day it is registered
        requested_at = max(requested_at, _at(group.registered_on, dt.time()))
    status_roll = rng.random()
    reason = ""
    if kind != Booking.Kind.GROUP:
        outcome = Booking.Status.USED if past else Booking.Status.CONFIRMED
    elif status_roll < 0.065:
        outcome = Booking.Status.CANCELLED
        reason = rng.choice(["", "", "講師の都合", "台風のため", "会場変更"])
    elif room.requires_approval and status_roll < 0.08:
        outcome = Booking.Status.REJECTED
        reason = "同じ日にオフィスの行事があるため"
    elif past and timezone.localdate(start) < today and status_roll < 0.09:
        outcome = Booking.Status.NO_SHOW
    elif past and timezone.localdate(start) < today:
        outcome = Booking.Status.USED
    elif room.requires_approval and start > now + dt.timedelta(days=10) and status_roll < 0.4:
        outcome = Booking.Status.REQUESTED
    else:
        outcome = Booking.Status.CONFIRMED
    booking = PastBooking(
        room=room, start=start, end=end, purpose=purpose, attendees=attendees, outcome=outcome,
        requested_at=requested_at, group=group, kind=kind, booked_by=booked_by, reason=reason,
    )  # fmt: skip
    lines = []
    if kind == Booking.Kind.GROUP:
        if room.slug == "sagyoshitsu":
            lines.append(("輪転機", 1))
        elif rng.random() < 0.18:
            lines.append(("プロジェクター", 1))
            if room.capacity >= 20 and rng.random() < 0.5:
                lines.append(("スクリーン", 1))
        if rng.random() < 0.05:
            lines.append(("ノートPC", rng.randint(1, 4)))
        if rng.random() < 0.02:
            lines.append(("拡声器", 1))
    else:
        lines.append(("ポータブルマイク・アンプ", 1))
    return booking, lines


def _record_headcounts(rng, rows: list[PastBooking], booking_users: float) -> None:
    """Headcounts of used bookings, scaled so that the year reaches its facility users."""
    used = [b for b in rows if b.outcome == Booking.Status.USED]
    expected = sum(b.attendees for b in used) or 1
    factor = booking_users / expected
    for booking in used:
        count = round(booking.attendees * factor * rng.uniform(0.75, 1.25))
        booking.headcount = max(1, min(booking.room.capacity + 5, count))
        if booking.room.slug == "sagyoshitsu" and booking.kind == Booking.Kind.GROUP:
            booking.printing_masters = rng.randint(1, 4)
            booking.printing_sheets = rng.randrange(100, 1600, 50)


def _seed_walk_ins(rng, days, walk_ins: float, today, staff) -> None:
    """Walk-in visitors counted at the desk on each past day (``walk_ins_record_bulk``)."""
    past_days = [d for d in days if d <= today]
    if not past_days:
        return
    full = len(days)
    per_day = walk_ins / full
    counts = {}
    for day in past_days:
        weight = 1.3 if day.weekday() >= 5 else 1.0
        counts[day] = max(0, round(rng.gauss(per_day * weight, max(1.0, per_day * 0.4))))
    services.walk_ins_record_bulk(actor=staff, counts=counts)


# --- the featured group's upcoming bookings ---------------------------------------------------


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


REP_GROUP_EQUIPMENT = {"kaigishitsu": [("プロジェクター", 1), ("スクリーン", 1)],
                       "sagyoshitsu": [("輪転機", 1)]}  # fmt: skip


def _rep_group_slots(ctx, rooms, cal) -> list:
    """Upcoming dates of the featured group: a weekly evening meeting and a workshop."""
    by_slug = {r.slug: r for r in rooms}
    slots = []
    first = _next_weekday(ctx.today + dt.timedelta(days=1), 1)  # next Tuesday
    for n in range(6):
        day = first + dt.timedelta(weeks=n)
        if cal.hours_on(day, by_slug["meeting-a"].pk):
            slots.append((by_slug["meeting-a"], day, _at(day, _t("18:30")), _at(day, _t("20:30"))))
    saturday = _next_weekday(ctx.today + dt.timedelta(days=12), 5)
    if cal.hours_on(saturday, by_slug["kaigishitsu"].pk):
        slots.append((by_slug["kaigishitsu"], saturday, _at(saturday, dt.time(13)),
                      _at(saturday, dt.time(17))))  # fmt: skip
    friday = _next_weekday(ctx.today + dt.timedelta(days=3), 4)
    if cal.hours_on(friday, by_slug["sagyoshitsu"].pk):
        slots.append((by_slug["sagyoshitsu"], friday, _at(friday, _t("13:00")),
                      _at(friday, _t("14:30"))))  # fmt: skip
    return slots


def _seed_rep_group(ctx, rooms, equipment, users) -> None:
    """The featured group books its coming dates online, as its representative would."""
    group = ctx.shared.get("rep_group")
    rep = users.get("rep@example.com")
    if group is None or rep is None:
        return
    cal = OfficeCalendar.load(ctx.today, ctx.today + dt.timedelta(days=62))
    slots = _rep_group_slots(ctx, rooms, cal)
    by_name = {e.name: e for e in equipment}
    weekly = [s for s in slots if s[0].slug == "meeting-a"]
    if weekly:
        room, _day, start, end = weekly[0]
        services.series_create(
            actor=rep, room=room, start=start, end=end, rule=BookingSeries.Rule.WEEKLY,
            count=6, dates=[day for _r, day, _s, _e in weekly], group=group,
            purpose="子ども食堂の献立会議", attendees=8,
        )  # fmt: skip
    for room, _day, start, end in slots:
        if room.slug == "kaigishitsu":
            purpose, attendees = "子ども食堂ボランティア研修会", 24
        elif room.slug == "sagyoshitsu":
            purpose, attendees = "活動報告チラシの印刷", 3
        else:
            continue
        lines = REP_GROUP_EQUIPMENT[room.slug]
        services.booking_create(
            actor=rep, room=room, start=start, end=end, group=group, purpose=purpose,
            attendees=attendees, equipment={by_name[name]: q for name, q in lines}, notify=False,
        )  # fmt: skip


def _seed_suspension(ctx, groups, rooms, staff) -> None:
    """One group missed bookings this fiscal year without cancelling: staff recorded each
    no-show at the desk after the booking's start, and the last one suspended the group's
    online booking until staff lift it (shown in the admin)."""
    fy = FiscalYear.of(ctx.today)
    protected = {g.pk for g in (ctx.shared.get("rep_group"), ctx.shared.get("rep2_group")) if g}
    limit = FacilitySettings.load().no_show_limit
    used = Booking.objects.filter(
        status=Booking.Status.USED, kind=Booking.Kind.GROUP, start__gte=fy.start
    ).exclude(group_id__in=protected)
    busiest = (
        used.values("group_id").annotate(n=Count("pk")).filter(n__gte=limit + 2).order_by("-n")
    ).first()
    if busiest is None:
        return
    missed = list(used.filter(group_id=busiest["group_id"]).order_by("-start")[:limit])
    for booking in sorted(missed, key=lambda b: b.start):
        services.booking_mark_no_show(actor=staff, booking=booking, now=booking.end)


# --- take-out loans ------------------------------------------------------------------------------

# whose ("rep" = the featured group, "other" = another), days from today to the pickup, days
# kept, equipment, purpose, status
LOANS = [
    ("rep", 10, 2, [("拡声器", 1), ("ポータブルマイク・アンプ", 1)], "駅前での街頭募金活動",
     "confirmed"),
    ("rep", -24, 1, [("スクリーン", 1)], "地区センターでの上映会", "returned"),
    ("other", 0, 2, [("拡声器", 1)], "河川敷の清掃活動", "confirmed"),
    ("other", -6, 2, [("スクリーン", 1)], "公民館での写真展", "handed_out"),
    ("other", 18, 3, [("プロジェクター", 1)], "小学校での出前講座", "requested"),
    ("other", 30, 1, [("ポータブルマイク・アンプ", 1)], "商店街のお祭りのステージ", "confirmed"),
]  # fmt: skip


def _seed_loans(ctx, equipment) -> None:
    """A few take-out loans in past and coming weeks (once), within the stock."""
    if EquipmentLoan.objects.exists():
        return

    rep_group = ctx.shared.get("rep_group")
    others = [g for g in (ctx.shared.get("groups") or []) if rep_group is None or g != rep_group]
    other = others[0] if others else Group.objects.registered().exclude(
        pk=getattr(rep_group, "pk", None)
    ).first()  # fmt: skip
    users = ctx.shared.get("users", {})
    rep, staff = users.get("rep@example.com"), users.get("staff@example.com")
    by_name = {e.name: e for e in equipment}
    cal = OfficeCalendar.load(ctx.today - dt.timedelta(days=60), ctx.today + dt.timedelta(days=60))

    def open_from(day):
        while cal.closed_reason(day):
            day += dt.timedelta(days=1)
        return day

    made = 0
    for whose, offset, days, lines, purpose, status in LOANS:
        group = rep_group if whose == "rep" else other
        if group is None or staff is None:
            continue
        actor = rep if whose == "rep" and rep is not None else staff
        pickup = open_from(ctx.today + dt.timedelta(days=offset))
        back = open_from(pickup + dt.timedelta(days=days - 1))
        start, end = loan_period(cal, pickup, back)
        items = {by_name[name]: q for name, q in lines if name in by_name}
        peaks = equipment_in_use([e.pk for e in items], start, end)
        if not items or any(q > e.quantity - peaks.get(e.pk, 0) for e, q in items.items()):
            continue
        # Asked for a few days ahead (or just now), handed out at the pickup day's opening,
        # back two hours before the return day's closing: each at its moment, as at the desk.
        asked = min(timezone.now(), start - dt.timedelta(days=5))
        loan = services.loan_create(
            actor=actor, group=group, pickup_date=pickup, return_date=back, purpose=purpose,
            equipment=items, now=asked,
        )  # fmt: skip
        if status in ("handed_out", "returned"):
            services.loan_hand_out(actor=staff, loan=loan, now=start)
        if status == "returned":
            services.loan_return(actor=staff, loan=loan, now=end - dt.timedelta(hours=2))
        made += 1
    ctx.say(f"facilities: {made} take-out loans")
