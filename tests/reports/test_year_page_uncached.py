"""The year's report built with its figures not kept (issue #20): a fixed number of queries
whatever the number of bookings, and the figures read once (the years' bookings in one query,
the figures by activity field summed from those by group) equal to what each figure's own
query gives: both orders of rows, the fiscal year's edge at 1 April 00:00 in Japan time, the
compared day's edge, maintenance, cancelled, missed, requested and future bookings."""

import contextlib
import datetime as dt
import threading
import types

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.fiscal import FiscalYear
from core.kpis import MonthReading, counted_until, reading_months
from events import kpis as event_kpis
from facilities import kpis as facility_kpis
from groups import kpis as group_kpis
from groups.models import ActivityField
from reports import kpis
from reports.annual import YearReport
from tests.reports.factories import (
    attendance,
    booking,
    equipment_loan,
    event,
    registered_group,
    room,
    tokyo,
    walk_ins,
)
from tests.reports.test_report_built_afresh import office_years

D = dt.date


@pytest.fixture
def not_kept(settings):
    settings.REPORTS_CACHE_SECONDS = settings.REPORTS_LIVE_CACHE_SECONDS = 0
    settings.VIEWER_PAGE_CACHE_SECONDS = 0
    cache.clear()


def edges(reverse: bool) -> None:
    """Bookings on every edge the figures cut at, made in the given order or its reverse:
    FY2024 ends at 1 April 2025 00:00 in Japan time (31 March 15:00 UTC); the running year
    FY2025 is compared with FY2024 to 15 January 2025 (the day a year before ``today``)."""
    a, b, t, M = room(), room(), tokyo, "maintenance"

    def bk(space, start, end, status="used", people=None, kind="group", g=None):
        return booking(space, start, end, status, people, kind, g)

    welfare = ActivityField.objects.create(slug="t-welfare", name="テスト福祉", order=901)
    green = ActivityField.objects.create(slug="t-green", name="テスト環境", order=902)
    ActivityField.objects.create(slug="t-empty", name="テスト空", order=903)
    both, one, none = (registered_group(D(2023, 5, 1)) for _ in range(3))
    both.fields.add(welfare, green)
    one.fields.add(green)
    rows = [
        # The last minutes of FY2024 and the first of FY2025.
        lambda: bk(a, t(2025, 3, 31, 23, 30), t(2025, 4, 1, 0, 30), "used", 5, g=both),
        lambda: bk(b, t(2025, 4, 1, 0, 0), t(2025, 4, 1, 1, 0), "used", 7, g=one),
        # The compared day's last half hour and the next day's first (to 15 January 2025).
        lambda: bk(a, t(2025, 1, 15, 23, 30), t(2025, 1, 15, 23, 59), "used", 3, g=one),
        lambda: bk(a, t(2025, 1, 16, 0, 0), t(2025, 1, 16, 2, 0), "used", 4, g=both),
        lambda: bk(b, t(2025, 1, 16, 0, 0), t(2025, 1, 16, 1, 0), "no_show", None, g=both),
        lambda: bk(b, t(2025, 1, 10, 10), t(2025, 1, 10, 11), "cancelled", None, g=one),
        # Maintenance blocks are no use of the office, whatever their status.
        lambda: bk(a, t(2025, 8, 1, 9), t(2025, 8, 1, 17), "used", 2, kind=M),
        lambda: bk(b, t(2024, 8, 1, 9), t(2024, 8, 1, 17), "confirmed", None, kind=M),
        # Requested and rejected bookings count nowhere; a confirmed one counts as booked time.
        lambda: bk(a, t(2025, 9, 1, 10), t(2025, 9, 1, 11), "requested"),
        lambda: bk(b, t(2025, 9, 2, 10), t(2025, 9, 2, 11), "rejected"),
        lambda: bk(b, t(2026, 3, 31, 22), t(2026, 3, 31, 23, 45), "confirmed", None, g=none),
        lambda: bk(a, t(2025, 6, 2, 10), t(2025, 6, 2, 12, 0, 30), "used", None, g=none),
        lambda: bk(a, t(2024, 6, 2, 10), t(2024, 6, 2, 12), "cancelled", None, g=both),
        # Outside the two years.
        lambda: bk(a, t(2024, 3, 31, 23), t(2024, 4, 1, 1), "used", 50, g=both),
        lambda: bk(b, t(2026, 4, 1, 0), t(2026, 4, 1, 1), "confirmed", None, g=one),
        lambda: walk_ins(D(2025, 3, 31), 11),
        lambda: walk_ins(D(2025, 4, 1), 13),
        lambda: walk_ins(D(2025, 1, 15), 17),
        lambda: walk_ins(D(2025, 1, 16), 19),
    ]  # fmt: skip
    made = [make() for make in (reversed(rows) if reverse else rows)]
    for made_row in made:
        if getattr(made_row, "status", None) in ("used", "cancelled"):
            # Lent with used bookings only count (maintenance ones too, as ever).
            equipment_loan(made_row, quantity=2)
    # Events: attendance by group, exchange meetings and seminars, in and out of the year.
    meeting = event(tokyo(2025, 4, 1, 0))
    attendance(meeting, 6, group=both)
    attendance(meeting, 4, group=one)
    attendance(meeting, 3, attended=False, group=none)
    seminar = event(tokyo(2026, 3, 31, 22), kind="seminar")
    attendance(seminar, 5, group=both)
    attendance(event(tokyo(2025, 3, 31, 23)), 8, group=one)
    attendance(event(tokyo(2025, 5, 1, 10), status="cancelled"), 9, group=both)


def straightforward(year: int, day: dt.date | None) -> dict:
    """Each figure from its own query."""
    fy, before = FiscalYear(year), FiscalYear(year - 1)
    result = {
        "yearly": facility_kpis.yearly(first=year - 1, last=year),
        "months": facility_kpis.monthly(fy),
        "months_before": facility_kpis.monthly(before),
        "rooms": facility_kpis.rooms(fy, opening={}),
        "rooms_before": facility_kpis.rooms(before, opening={}),
    }
    if day is not None:
        with counted_until(day):
            result["to_date"] = facility_kpis.yearly(first=year - 1, last=year - 1)
    return result


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True])
def test_the_bookings_read_once_give_every_figure_their_own_queries_give(reverse):
    edges(reverse)
    cut = tokyo(2025, 1, 16)  # the first instant after 15 January 2025
    expected = straightforward(2025, D(2025, 1, 15))
    by_group = facility_kpis.use_by_group(FiscalYear(2025))
    read = facility_kpis.Reading(2024, 2025, cut=cut)
    with facility_kpis.reading(read), CaptureQueriesContext(connection) as queries:
        found = straightforward(2025, D(2025, 1, 15))
        found_by_group = facility_kpis.use_by_group(FiscalYear(2025))
    # One query for the bookings, the equipment, the walk-ins and the last year's use by
    # group; the rooms' names twice.
    assert len(queries) == 3
    assert found == expected
    assert found_by_group == by_group and len(by_group) == 2
    # Not vacuous: the edges fall where they should.
    fy2024, fy2025 = expected["yearly"][2024], expected["yearly"][2025]
    assert (fy2024["bookings_used"], fy2025["bookings_used"]) == (3, 2)
    assert (fy2024["bookings_cancelled"], fy2024["bookings_no_show"]) == (2, 1)
    assert (fy2024["equipment_loans"], fy2025["equipment_loans"]) == (6, 6)
    assert (fy2024["walk_in_visitors"], fy2025["walk_in_visitors"]) == (47, 13)
    assert fy2025["facility_users"] == 7 + 13
    # 2 h 0 min 30 s used, 1 h used at the year's start, 1 h 45 min confirmed on its last day.
    assert fy2025["booked_hours"] == facility_kpis.hours(3600 * 4.75 + 30)
    to_date = expected["to_date"][2024]
    assert (to_date["bookings_used"], to_date["bookings_cancelled"]) == (1, 2)
    assert (to_date["bookings_no_show"], to_date["walk_in_visitors"]) == (0, 17)
    assert to_date["equipment_loans"] == 2


@pytest.mark.django_db
def test_asked_for_other_years_or_another_day_the_figures_come_from_their_own_queries():
    edges(reverse=False)
    years = facility_kpis.yearly(first=2024, last=2025)
    with counted_until(D(2025, 1, 20)):
        other_day = facility_kpis.yearly(first=2024, last=2024)
        months_to_day = facility_kpis.monthly(FiscalYear(2024))
    with facility_kpis.reading(facility_kpis.Reading(2025, 2025, cut=tokyo(2025, 1, 16))):
        assert facility_kpis.yearly(first=2024, last=2025) == years  # 2024 is not read
    read = facility_kpis.Reading(2024, 2025, cut=tokyo(2025, 1, 16))
    with facility_kpis.reading(read), counted_until(D(2025, 1, 20)):
        assert facility_kpis.yearly(first=2024, last=2024) == other_day
        assert facility_kpis.monthly(FiscalYear(2024)) == months_to_day
    assert other_day[2024] != years[2024]


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True])
def test_the_figures_by_field_summed_from_those_by_group_equal_their_own_queries(reverse):
    edges(reverse)
    for year in (2024, 2025):
        fy = FiscalYear(year)
        fields = group_kpis.fields_with_groups()
        use = facility_kpis.use_by_field_from(fields, facility_kpis.use_by_group(fy))
        people = event_kpis.participants_by_field_from(fields, event_kpis.participants_by_group(fy))
        assert use == facility_kpis.use_by_field(fy)
        assert people == event_kpis.participants_by_field(fy)
    by_slug = {row["slug"]: row for row in use}
    assert by_slug["t-welfare"] == {
        "slug": "t-welfare",
        "name": "テスト福祉",
        "bookings_used": 0,
        "users": 0,
    }
    assert by_slug["t-green"]["bookings_used"] == 1  # the first hour of FY2025
    assert by_slug["t-empty"]["bookings_used"] == 0
    people_by_slug = {row["slug"]: row for row in people}
    assert people_by_slug["t-green"]["event_participants"] == 6 + 4 + 5


# (registered, withdrawn): the years' first and last days on every side.
HISTORIES = [
    (D(2025, 4, 1), None),
    (D(2025, 3, 31), None),
    (D(2026, 3, 31), None),
    (D(2026, 4, 1), None),
    (D(2024, 5, 1), D(2026, 3, 31)),
    (D(2024, 5, 1), D(2025, 4, 1)),
    (D(2024, 5, 1), D(2025, 3, 31)),
    (D(2025, 6, 1), D(2025, 9, 1)),
    (D(2020, 6, 1), D(2026, 4, 1)),
    (D(2024, 12, 1), D(2025, 1, 15)),
    (D(2024, 12, 1), D(2025, 1, 16)),
    (D(2025, 1, 15), None),
    (D(2025, 1, 16), D(2025, 2, 1)),
    (None, None),  # applied, never registered
]


def register_histories(reverse: bool) -> list:
    made = []
    for registered_on, withdrawn_on in reversed(HISTORIES) if reverse else HISTORIES:
        if registered_on is None:
            group = registered_group(D(2025, 5, 1))
            group.registered_on = None
            group.save(update_fields=["registered_on"])
        else:
            group = registered_group(registered_on, withdrawn_on=withdrawn_on)
        made.append(group)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True])
def test_the_register_read_once_gives_the_figures_its_own_queries_give(reverse):
    register_histories(reverse)

    def figures() -> dict:
        result = {
            "all": group_kpis.register_yearly(first=None, last=2026),
            "two": group_kpis.register_yearly(first=2024, last=2025),
            "months": [group_kpis.register_monthly(FiscalYear(y)) for y in (2024, 2025, 2026)],
        }
        # The compared day's edges: the day itself, the day before, the year's last day.
        for day in (D(2025, 1, 15), D(2025, 1, 14), D(2025, 3, 31), D(2025, 4, 1)):
            with counted_until(day):
                result[day] = group_kpis.register_yearly(first=2024, last=2024)
                result[day, "since"] = group_kpis.register_yearly(first=None, last=2024)
        return result

    expected = figures()
    register = group_kpis.Register()
    with group_kpis.reading(register), CaptureQueriesContext(connection) as queries:
        found = figures()
    assert len(queries) == 1  # the register, once
    assert found == expected
    # Not vacuous: the edges fall where they should.
    assert expected["two"][2024]["withdrawals"] == 4  # to 31 March 2025, its last day
    assert expected[D(2025, 1, 15)][2024]["withdrawals"] == 1  # 15 January, not the 16th
    assert expected[D(2025, 1, 14)][2024]["withdrawals"] == 0
    assert expected[D(2025, 1, 15)][2024]["new_registrations"] == (
        expected[D(2025, 1, 14)][2024]["new_registrations"] + 1
    )
    assert expected["months"][1][D(2025, 4, 1)]["withdrawals"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True])
def test_the_register_by_field_and_area_read_once_equals_their_own_queries(reverse):
    from groups.models import Area

    welfare = ActivityField.objects.create(slug="r-welfare", name="登録福祉", order=901)
    green = ActivityField.objects.create(slug="r-green", name="登録環境", order=902)
    ActivityField.objects.create(slug="r-empty", name="登録空", order=903)
    north = Area.objects.create(slug="r-north", name="登録北区", order=901)
    south = Area.objects.create(slug="r-south", name="登録南区", order=902)
    made = register_histories(reverse)
    for n, group in enumerate(made):
        group.fields.add(*[welfare, green][: n % 3])
        group.areas.add(*[north, south][n % 2 :])
    register = group_kpis.register_rows()
    fields, areas = group_kpis.fields_with_groups(), group_kpis.areas_with_groups()
    for year in (2024, 2025, 2026):
        fy = FiscalYear(year)
        assert group_kpis.register_by_from(fy, fields, register) == group_kpis.register_by(
            fy, "field"
        )
        assert group_kpis.register_by_from(fy, areas, register) == group_kpis.register_by(
            fy, "area"
        )
        assert group_kpis.registered_groups_from(fy, register) == group_kpis.registered_groups(fy)
    south_2025 = group_kpis.register_by_from(FiscalYear(2025), areas, register)[1]
    assert south_2025["name"] == "登録南区" and south_2025["new"] > 0


@pytest.mark.django_db
def test_the_rooms_opening_hours_asked_once_per_kind_of_room_equal_each_rooms_own(monkeypatch):
    from facilities import selectors

    # Whole years, whatever today is: FY2026 is over for the figures (the running year's
    # opening hours count to now, facilities.kpis._now, where the facilities app has that).
    monkeypatch.setattr("facilities.kpis._now", lambda: tokyo(2027, 4, 1, 0), raising=False)
    from facilities.calendar import OfficeCalendar, days_between
    from facilities.models import ClosedDay, OpeningHours, Room, TimeBlock

    OpeningHours.objects.all().delete()
    for weekday in range(6):  # Sundays closed
        OpeningHours.objects.create(weekday=weekday, opens=dt.time(9), closes=dt.time(21, 30))
    plain, plain_too, closed_apart = room(), room(), room()
    blocks, same_blocks, other_blocks = room(), room(), room()
    for space in (blocks, same_blocks, other_blocks):
        space.mode = Room.Mode.BLOCKS
        space.save(update_fields=["mode"])
    for space in (blocks, same_blocks):
        TimeBlock.objects.create(room=space, label="午前", starts=dt.time(9), ends=dt.time(12))
        TimeBlock.objects.create(room=space, label="夜間", starts=dt.time(18), ends=dt.time(22))
    TimeBlock.objects.create(room=other_blocks, label="午後", starts=dt.time(13), ends=dt.time(17))
    ClosedDay.objects.create(date=D(2025, 6, 2), room=closed_apart, reason="工事")
    ClosedDay.objects.create(date=D(2025, 6, 3), room=None, reason="全館点検")
    ClosedDay.objects.create(date=D(2026, 3, 31), room=blocks, reason="工事")
    for year in (2024, 2025, 2026):
        fy = FiscalYear(year)
        # Asked of the calendar for every room and day (as before the rooms were grouped).
        cal = OfficeCalendar.load(fy.first_day, fy.last_day)
        expected = {
            space.pk: sum(
                cal.open_minutes(day, space) for day in days_between(fy.first_day, fy.last_day)
            )
            / 60
            for space in Room.objects.prefetch_related("blocks")
        }
        assert facility_kpis.open_hours(fy) == expected
        assert selectors.open_hours_by_room(fy.first_day, fy.last_day) == expected
    hours = facility_kpis.open_hours(FiscalYear(2025))
    assert hours[plain.pk] == hours[plain_too.pk] == hours[closed_apart.pk] + 12.5
    assert hours[blocks.pk] == hours[same_blocks.pk] - 6.5  # 9–12 and 18–21:30
    assert hours[other_blocks.pk] != hours[blocks.pk]


def _without_reading(report: YearReport) -> YearReport:
    report._reading = contextlib.nullcontext
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, 2024])
def test_the_year_report_shows_what_each_figures_own_query_gives(not_kept, set_today, year):
    set_today(D(2026, 1, 15))  # FY2025 runs; FY2024 is over
    edges(reverse=False)
    office_years(2023, 2025)
    assert_same_report(YearReport(year), _without_reading(YearReport(year)))


def assert_same_report(once: YearReport, apart: YearReport) -> None:
    """``once`` (figures read once) shows what ``apart`` (each figure's own query) shows."""
    for part in ("yearly", "first_years", "months", "rooms", "previous_rooms"):
        assert once._data[part] == apart._data[part], part
    assert once.previous_to_date == apart.previous_to_date
    assert once.values == apart.values and once.previous_values == apart.previous_values
    assert once.details.by_field == apart.details.by_field
    assert once.details.groups == apart.details.groups


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("year", [2025, 2024])
def test_the_bookings_read_aside_give_the_report_what_each_figures_own_query_gives(
    not_kept, set_today, monkeypatch, year
):
    """Outside a transaction, as a request runs, the two years' bookings are read aside (in a
    thread, on a connection of their own) while the other sources' figures are gathered:
    asked for last, they give the same figures."""
    set_today(D(2026, 1, 15))
    edges(reverse=False)
    office_years(2023, 2025)
    threads, asked = [], []
    read = facility_kpis.Reading._read

    def recorded(self):
        threads.append(threading.current_thread())
        return read(self)

    monkeypatch.setattr(facility_kpis.Reading, "_read", recorded)
    for name in kpis.SOURCES:
        source = kpis.source(name)
        monkeypatch.setattr(
            source,
            "yearly",
            lambda yearly=source.yearly, name=name, **kw: asked.append(name) or yearly(**kw),
        )
    assert_same_report(YearReport(year), _without_reading(YearReport(year)))
    # Read once, in a thread of its own; every other source was asked first.
    assert threads == [threads[0]] and threads[0] is not threading.current_thread()
    first = asked[: len(kpis.SOURCES)]
    assert sorted(first) == sorted(kpis.SOURCES) and first[-1] == "facilities"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_year_page_built_afresh_keeps_its_query_budget_whatever_the_bookings(
    client_for, not_kept, today, django_assert_max_num_queries
):
    official = client_for("official")
    office_years(2023, 2025)  # FY2025 is the running year (today: 15 January 2026)
    official.get("/reports/")  # the session, the user and the role read once
    small = {
        url: _queries(official, url) for url in ("/reports/annual/2025/", "/reports/annual/2024/")
    }
    hall = room()
    for day in range(1, 29):
        for year in (2024, 2025):
            used = booking(hall, tokyo(year, 11, day, 10), tokyo(year, 11, day, 11), headcount=3)
            equipment_loan(used)
            booking(hall, tokyo(year, 12, day, 10), tokyo(year, 12, day, 11), status="cancelled")
    # The running year: every source for two years (collaboration, with nothing the year
    # before, reads its earlier years), the year before to the same day, the months, the
    # bookings once (with the year's use by group), the register once (figures, months, to the
    # day and breakdowns), events, consultations, page views, newsletter issues, bulletin posts
    # and collaboration's counts once each by month (core.kpis.MonthReading), the subscribers,
    # the projects, the rooms and their opening hours, the breakdowns, the targets, the session
    # and the user. One more wherever the cache counts its table (core/dbcache.py).
    with django_assert_max_num_queries(small["/reports/annual/2025/"]):
        assert _queries(official, "/reports/annual/2025/") == small["/reports/annual/2025/"]
    # A finished year: no "to the same day", the year before's rooms from the same rows.
    with django_assert_max_num_queries(small["/reports/annual/2024/"]):
        assert _queries(official, "/reports/annual/2024/") == small["/reports/annual/2024/"]
    assert small == {"/reports/annual/2025/": 27, "/reports/annual/2024/": 29}


@pytest.mark.django_db
def test_the_groups_figures_are_left_alone_by_the_garbage_collector(not_kept, today):
    """Thousands of groups' figures per page built afresh: kept as plain tuples of numbers and
    names, which the collector stops tracking, they never fill its oldest generation (as
    objects, they brought on a full collection of about 100 ms every eight pages or so)."""
    import gc

    office_years(2023, 2025)
    report = YearReport(2025)
    details = report.details
    assert details.active_groups and len(details._ranked) > len(details.active_groups)
    gc.collect(0)
    assert not any(gc.is_tracked(row) for row in details._ranked)


@pytest.fixture
def after_the_years():
    """Every event of these tests has taken place (an event counts once it has started)."""
    with time_machine.travel(tokyo(2026, 6, 1, 12), tick=True):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("reverse", [False, True])
def test_the_sums_read_once_by_month_give_what_their_own_queries_give(reverse, after_the_years):
    """Events, attendance, survey responses, consultations, page views, newsletter issues and
    bulletin posts on the fiscal year's edge (1 April 00:00 in Japan time) and the compared
    day's (15 January 2025), read once by month: the years, the months and the year before to
    the day are those of their own queries."""
    from bulletin import kpis as bulletin_kpis
    from events import kpis as event_kpis
    from newsletter import kpis as newsletter_kpis
    from reports.kpis import website
    from tests.reports.factories import consultation, issue, page_views, post, survey_response

    day = D(2026, 6, 1)

    made = [
        lambda: attendance(event(tokyo(2025, 3, 31, 23, 30)), 4),
        lambda: attendance(event(tokyo(2025, 4, 1, 0, 0), kind="seminar"), 5),
        lambda: attendance(event(tokyo(2025, 1, 15, 23, 0)), 6),
        lambda: attendance(event(tokyo(2025, 1, 16, 0, 0)), 7),
        lambda: attendance(event(tokyo(2024, 5, 1, 10), status="cancelled"), 8),
        lambda: survey_response(tokyo(2025, 1, 15, 23, 59)),
        lambda: survey_response(tokyo(2025, 1, 16, 0, 0)),
        lambda: survey_response(tokyo(2026, 3, 31, 23, 59)),
        lambda: consultation(D(2025, 3, 31), channel="phone"),
        lambda: consultation(D(2025, 4, 1), channel="visit", category="funding"),
        lambda: consultation(D(2025, 1, 15)),
        lambda: consultation(D(2025, 1, 16), channel="phone"),
        lambda: page_views(D(2025, 3, 31), 30),
        lambda: page_views(D(2025, 4, 1), 40, section="groups"),
        lambda: page_views(D(2025, 1, 15), 50),
        lambda: page_views(D(2025, 1, 16), 60, section="groups"),
        lambda: page_views(D(2023, 4, 1), 70),  # outside the two years
        lambda: issue(D(2025, 3, 31)),
        lambda: issue(D(2025, 4, 1)),
        lambda: issue(D(2025, 1, 15)),
        lambda: issue(D(2025, 1, 16)),
        lambda: issue(D(2026, 7, 1)),  # not out yet on the day the figures are read
        lambda: post(tokyo(2025, 3, 31, 23, 59)),
        lambda: post(tokyo(2025, 4, 1, 0, 0), category="events"),
        lambda: post(tokyo(2025, 1, 15, 23, 59)),
        lambda: post(tokyo(2025, 1, 16, 0, 0), category="events"),
        lambda: post(tokyo(2025, 2, 1, 10), status="hidden"),
    ]
    for make in reversed(made) if reverse else made:
        make()
    sources = (
        event_kpis,
        website,
        types.SimpleNamespace(
            yearly=group_kpis.consultations_yearly, monthly=group_kpis.consultations_monthly
        ),
        types.SimpleNamespace(
            yearly=lambda first, last: newsletter_kpis.issues_by_year(first, last, today=day),
            monthly=lambda fy: newsletter_kpis.issues_by_month(fy, today=day),
        ),
        types.SimpleNamespace(
            yearly=bulletin_kpis.posts_by_year, monthly=bulletin_kpis.posts_by_month
        ),
    )

    def figures() -> list:
        result = []
        for source in sources:
            result.append(source.yearly(first=2024, last=2025))
            result.append([source.monthly(FiscalYear(y)) for y in (2024, 2025)])
            with counted_until(D(2025, 1, 15)):
                result.append(source.yearly(first=2024, last=2024))
        return result

    expected = figures()
    read = MonthReading(2024, 2025, cut=tokyo(2025, 1, 16))
    with reading_months(read), CaptureQueriesContext(connection) as queries:
        found = figures()
    assert len(queries) == 5  # one per source
    assert found == expected
    # Not vacuous: the edges fall where they should.
    events_years, _months, events_to_day = expected[0:3]
    assert events_years[2024]["event_participants"] == 4 + 6 + 7
    assert events_to_day[2024]["event_participants"] == 6
    assert events_to_day[2024]["survey_responses"] == 1
    site_years, site_months, site_to_day = expected[3:6]
    assert site_years[2025]["page_views.section.groups"] == 40
    assert site_to_day[2024]["page_views"] == 50
    assert site_months[1][D(2025, 4, 1)]["page_views"] == 40
    consultations_years, _months, consultations_to_day = expected[6:9]
    assert consultations_years[2024]["consultations"] == 3
    issues_years, issues_months, issues_to_day = expected[9:12]
    assert issues_years == {2024: 3, 2025: 1} and issues_to_day == {2024: 1}
    assert issues_months[1] == {D(2025, 4, 1): 1}
    posts_years, _months, posts_to_day = expected[12:15]
    assert posts_years[2025] == {"bulletin_posts": 1, "bulletin_posts.category.events": 1}
    assert posts_to_day[2024]["bulletin_posts"] == 1
    assert consultations_to_day[2024] == {
        "consultations": 1,
        "consultations.channel.visit": 1,
        "consultations.category.founding": 1,
    }
