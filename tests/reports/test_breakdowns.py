"""Issue #17 part 1: breakdowns by activity field, area and group, exact on known data, with the
fiscal-year and Japan-time edges (a booking at 23:30 on 31 March, a registration dated 1 April),
in a fixed number of queries; the groups with no activity shown to staff only."""

import datetime as dt

import pytest
from django.core.cache import cache

from groups.models import ActivityField, Area
from reports.breakdowns import YearBreakdowns
from tests.reports.factories import (
    attendance,
    booking,
    event,
    registered_group,
    room,
    tokyo,
)

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _group(registered_on, withdrawn_on=None, fields=(), areas=(), name=None):
    group = registered_group(registered_on, withdrawn_on, **({"name": name} if name else {}))
    group.fields.set(fields)
    group.areas.set(areas)
    return group


@pytest.fixture
def fy2024(today):
    welfare = ActivityField.objects.create(slug="t-welfare", name="テスト福祉", order=901)
    green = ActivityField.objects.create(slug="t-green", name="テスト環境", order=902)
    north = Area.objects.create(slug="t-north", name="テスト北区", order=901)
    south = Area.objects.create(slug="t-south", name="テスト南区", order=902)
    # Registered on the first day of FY2024 (a registration at 00:30 on 1 April JST is dated
    # 1 April); one withdrawn on its last day; one registered the day after it ends.
    first = _group(D(2024, 4, 1), fields=[welfare, green], areas=[north], name="あおぞら会")
    gone = _group(D(2023, 5, 1), D(2025, 3, 31), fields=[welfare], areas=[south], name="いずみ会")
    _group(D(2025, 4, 1), fields=[green], areas=[north], name="うみの会")
    quiet = _group(D(2020, 1, 10), name="えがおの会")
    hall = room()
    # 23:30 on 31 March 2025 is in FY2024; 23:30 on 31 March 2024 in FY2023.
    booking(hall, tokyo(2025, 3, 31, 23, 30), tokyo(2025, 4, 1, 0, 30), headcount=8, group=first)
    booking(hall, tokyo(2024, 3, 31, 23, 30), tokyo(2024, 4, 1, 0, 30), headcount=50, group=first)
    booking(hall, tokyo(2024, 6, 1, 10), tokyo(2024, 6, 1, 12), headcount=4, group=gone)
    booking(hall, tokyo(2024, 6, 2, 10), tokyo(2024, 6, 2, 12), status="cancelled", group=gone)
    meeting = event(tokyo(2024, 7, 1, 18))
    seminar = event(tokyo(2024, 9, 1, 14), kind="seminar")
    attendance(meeting, 3, group=first)
    attendance(seminar, 2, group=gone)
    attendance(seminar, 5, attended=False, group=quiet)  # registered, did not come
    return {"first": first, "gone": gone, "quiet": quiet}


def test_registered_groups_by_activity_field_and_area(fy2024, today):
    d = YearBreakdowns(2024, today=today)
    by_field = {row["name"]: row for row in d.register_by_field}
    names = list(by_field)
    assert names.index("テスト福祉") < names.index("テスト環境")  # in the fields' order
    assert (
        by_field["テスト福祉"]["end"],
        by_field["テスト福祉"]["new"],
        by_field["テスト福祉"]["withdrawn"],
    ) == (
        1,
        1,
        1,
    )
    assert (
        by_field["テスト環境"]["end"],
        by_field["テスト環境"]["new"],
        by_field["テスト環境"]["withdrawn"],
    ) == (
        1,
        1,
        0,
    )
    by_area = {
        row["name"]: (row["end"], row["new"], row["withdrawn"]) for row in d.register_by_area
    }
    assert by_area["テスト北区"] == (1, 1, 0) and by_area["テスト南区"] == (0, 0, 1)
    # FY2025: the group registered on 1 April 2025 is new there.
    later = {r["name"]: r for r in YearBreakdowns(2025, today=today).register_by_field}
    assert later["テスト環境"]["new"] == 1 and later["テスト環境"]["end"] == 2


def test_facility_use_and_participants_by_field_and_by_group(fy2024, today):
    d = YearBreakdowns(2024, today=today)
    by_field = {row["name"]: row for row in d.by_field}
    assert by_field["テスト福祉"]["bookings_used"] == 2 and by_field["テスト福祉"]["users"] == 12
    assert by_field["テスト環境"]["bookings_used"] == 1 and by_field["テスト環境"]["users"] == 8
    assert by_field["テスト福祉"]["exchange_participants"] == 3
    assert by_field["テスト福祉"]["event_participants"] == 5
    assert by_field["テスト環境"]["event_participants"] == 3
    groups = {g.name: g for g in d.groups}
    assert set(groups) == {"あおぞら会", "いずみ会", "えがおの会"}  # not the FY2025 group
    first = groups["あおぞら会"]
    assert (first.bookings_used, first.users, first.exchange_participants) == (1, 8, 3)
    assert first.activity == 4
    gone = groups["いずみ会"]
    assert (gone.bookings_used, gone.users, gone.event_participants, gone.activity) == (1, 4, 2, 3)


def test_the_most_and_least_active_and_the_inactive_groups(fy2024, today):
    d = YearBreakdowns(2024, today=today)
    assert [g.name for g in d.most_active] == ["あおぞら会", "いずみ会"]
    assert [g.name for g in d.inactive] == ["えがおの会"]
    assert d.least_active == []  # fewer than six active groups: all are among the most active


def test_the_year_page_shows_the_breakdowns_and_staff_alone_the_follow_up(client_for, fy2024):
    official = client_for("official").get("/reports/annual/2024/").content.decode()
    assert "活動分野別の登録団体数" in official
    assert "あおぞら会" in official
    assert "活動のなかった団体" not in official
    committee = client_for("committee").get("/reports/annual/2024/")
    assert committee.status_code == 200
    assert "活動のなかった団体" not in committee.content.decode()
    assert client_for("citizen").get("/reports/annual/2024/").status_code == 403
    staff = client_for("staff").get("/reports/annual/2024/").content.decode()
    assert "活動のなかった団体" in staff
    follow_up = staff.split('id="follow-up-heading"')[1]
    assert "えがおの会" in follow_up and "あおぞら会" not in follow_up


def test_the_csv_and_the_workbook_carry_the_breakdowns(client_for, fy2024):
    from tests.reports.test_exports import read_csv

    rows = {r[0]: r for r in read_csv(client_for("official").get("/reports/annual/2024.csv"))}
    assert rows["groups.field.t-welfare.withdrawn"][2] == "1"
    assert rows["groups.area.t-north.end"][2] == "1"
    assert rows["bookings_used.field.t-welfare"][2] == "2"
    assert rows["event_participants.field.t-green"][2] == "3"


def test_the_breakdowns_take_a_fixed_number_of_queries(fy2024, today, django_assert_num_queries):
    def count() -> int:
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            d = YearBreakdowns(2024, today=today)
            d.register_by_field, d.by_field, d.groups  # noqa: B018
        return len(ctx.captured_queries)

    few = count()
    fields = list(ActivityField.objects.all())
    hall = room()
    for n in range(6):
        group = _group(D(2024, 5, 1), fields=fields, name=f"追加の会{n}")
        booking(
            hall, tokyo(2024, 8, 1 + n, 10), tokyo(2024, 8, 1 + n, 11), headcount=2, group=group
        )
    assert count() == few
    assert few <= 14  # eight aggregate queries and the cache's own (read, lock, write)
