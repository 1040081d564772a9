"""Issue #17 part 1, the breakdowns on data the product itself made: groups applied and approved
(``group_histories_create_bulk``: the per-row rules of group_apply / approve / withdraw),
bookings requested and used (``bookings_record_bulk``: opening hours, capacity, the group
registered when it asked), events published and held with their registrations and attendance
(``events_record_bulk``). Exact figures at the fiscal-year and Japan-time edges: a booking at
23:30 on 31 March, a registration at 00:30 on 1 April JST."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from events.services import history as events_history
from facilities import services as facilities_services
from facilities.services import office as facilities_office
from facilities.services.history import PastBooking
from groups import services as groups_services
from groups.models import ActivityField, Area
from reports.breakdowns import YearBreakdowns
from tests.facilities.factories import RoomFactory
from tests.factories import UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=TOKYO)
D = dt.date

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


def _history(name, applied_at, approved_on, *, fields=(), areas=(), withdrawn_on=None):
    return groups_services.GroupHistory(
        representative=UserFactory(),
        data={"name": name, "name_kana": "てすと", "summary": "テスト"},
        applied_at=applied_at,
        approved_on=approved_on,
        fields=list(fields),
        areas=list(areas),
        withdrawn_on=withdrawn_on,
        withdrawn_reason="活動を終了" if withdrawn_on else "",
    )


def _used(room, group, start, end, headcount, requested_at, outcome="used"):
    return PastBooking(
        room=room,
        start=start,
        end=end,
        purpose="定例会",
        attendees=min(headcount or 1, room.capacity),
        outcome=outcome,
        headcount=headcount if outcome == "used" else None,
        requested_at=requested_at,
        group=group,
    )


@pytest.fixture
def office(staff, today):
    cache.clear()
    welfare = ActivityField.objects.create(slug="s-welfare", name="サービス福祉", order=911)
    green = ActivityField.objects.create(slug="s-green", name="サービス環境", order=912)
    north = Area.objects.create(slug="s-north", name="サービス北区", order=911)
    south = Area.objects.create(slug="s-south", name="サービス南区", order=912)
    first, gone, later, quiet = groups_services.group_histories_create_bulk(
        actor=staff,
        now=NOW,
        histories=[
            # Applied at 00:30 on 1 April 2024 (Japan time; 31 March in UTC), approved that
            # day: registered in FY2024.
            _history("あおば会", at(2024, 4, 1, 0, 30), D(2024, 4, 1), fields=[welfare, green],
                     areas=[north]),
            _history("いなほ会", at(2023, 4, 20, 10), D(2023, 5, 1), fields=[welfare],
                     areas=[south], withdrawn_on=D(2025, 3, 31)),
            _history("うしお会", at(2025, 3, 31, 23, 30), D(2025, 4, 1), fields=[green],
                     areas=[north]),
            _history("えのき会", at(2020, 1, 6, 10), D(2020, 1, 10)),
        ],
    )  # fmt: skip
    # The office is open late every day of the week, so the edges can be booked.
    for weekday in range(7):
        facilities_office.opening_hours_set(
            actor=staff, weekday=weekday, opens=dt.time(0, 0), closes=dt.time(23, 59)
        )
    hall = RoomFactory(capacity=60, requires_approval=False)
    facilities_services.bookings_record_bulk(
        actor=staff,
        now=NOW,
        rows=[
            # 23:00–23:30 and 23:30–23:59 on 31 March 2025 (Japan time): FY2024.
            _used(hall, first, at(2025, 3, 31, 23, 0), at(2025, 3, 31, 23, 30), 6,
                  at(2025, 3, 20, 10)),
            _used(hall, first, at(2025, 3, 31, 23, 30), at(2025, 3, 31, 23, 59), 2,
                  at(2025, 3, 20, 10)),
            # 00:30 on 1 April 2025 (31 March in UTC): FY2025.
            _used(hall, first, at(2025, 4, 1, 0, 30), at(2025, 4, 1, 1, 30), 40,
                  at(2025, 3, 20, 10)),
            _used(hall, gone, at(2024, 6, 3, 10), at(2024, 6, 3, 12), 4, at(2024, 5, 20, 10)),
            _used(hall, gone, at(2024, 6, 4, 10), at(2024, 6, 4, 12), None, at(2024, 5, 20, 10),
                  outcome="cancelled"),
        ],
    )  # fmt: skip
    registration = events_history.PastRegistration
    events_history.events_record_bulk(
        actor=staff,
        now=NOW,
        rows=[
            events_history.PastEvent(
                title="情報交換会", slug="koryukai-2024-07", kind="exchange",
                start=at(2024, 7, 1, 18), end=at(2024, 7, 1, 20), capacity=30,
                published_at=at(2024, 3, 1, 10),
                registrations=[
                    # Registered at 00:30 on 1 April 2024, Japan time.
                    registration(at(2024, 4, 1, 0, 30), people=3, came=3, group=first,
                                 name="あおば会の3人"),
                ],
            ),
            events_history.PastEvent(
                title="講座", slug="koza-2024-09", kind="seminar",
                start=at(2024, 9, 1, 14), end=at(2024, 9, 1, 16), capacity=30,
                published_at=at(2024, 6, 1, 10),
                registrations=[
                    registration(at(2024, 8, 1, 10), people=2, came=2, group=gone, name="い"),
                    registration(at(2024, 8, 2, 10), people=5, came=0, group=quiet, name="え"),
                ],
            ),
        ],
    )  # fmt: skip
    return {"first": first, "gone": gone, "later": later, "quiet": quiet}


def test_the_register_by_field_and_area_from_the_groups_services(office, today):
    d = YearBreakdowns(2024, today=today)
    by_field = {r["name"]: (r["end"], r["new"], r["withdrawn"]) for r in d.register_by_field}
    assert by_field["サービス福祉"] == (1, 1, 1)  # あおば会 new; いなほ会 withdrawn on 31 March
    assert by_field["サービス環境"] == (1, 1, 0)  # うしお会 (approved 1 April 2025) is not in it
    by_area = {r["name"]: (r["end"], r["new"], r["withdrawn"]) for r in d.register_by_area}
    assert by_area["サービス北区"] == (1, 1, 0) and by_area["サービス南区"] == (0, 0, 1)
    later = {r["name"]: r for r in YearBreakdowns(2025, today=today).register_by_field}
    assert (later["サービス環境"]["new"], later["サービス環境"]["end"]) == (1, 2)


def test_use_and_participants_by_field_and_group_from_the_services(office, today):
    d = YearBreakdowns(2024, today=today)
    by_field = {r["name"]: r for r in d.by_field}
    # あおば会: the two bookings of 31 March evening (6 + 2); いなほ会: 4 on 3 June.
    assert (by_field["サービス福祉"]["bookings_used"], by_field["サービス福祉"]["users"]) == (3, 12)
    assert (by_field["サービス環境"]["bookings_used"], by_field["サービス環境"]["users"]) == (2, 8)
    assert by_field["サービス福祉"]["exchange_participants"] == 3
    assert by_field["サービス福祉"]["event_participants"] == 5
    assert by_field["サービス環境"]["event_participants"] == 3
    groups = {g.name: g for g in d.groups}
    assert set(groups) == {"あおば会", "いなほ会", "えのき会"}
    first = groups["あおば会"]
    assert (first.bookings_used, first.users, first.exchange_participants, first.activity) == (
        2,
        8,
        3,
        5,
    )
    gone = groups["いなほ会"]
    assert (gone.bookings_used, gone.users, gone.event_participants, gone.activity) == (1, 4, 2, 3)
    assert [g.name for g in d.inactive] == ["えのき会"]  # registered for 5, nobody came
    # FY2025: the booking at 00:30 on 1 April 2025.
    fy2025 = {g.name: g for g in YearBreakdowns(2025, today=today).groups}
    assert (fy2025["あおば会"].bookings_used, fy2025["あおば会"].users) == (1, 40)


def test_the_year_page_shows_the_breakdowns_and_staff_alone_the_follow_up(client_for, office):
    official = client_for("official").get("/reports/annual/2024/").content.decode()
    assert "活動分野別の登録団体数" in official
    assert "あおば会" in official
    assert "活動のなかった団体" not in official
    committee = client_for("committee").get("/reports/annual/2024/")
    assert committee.status_code == 200
    assert "活動のなかった団体" not in committee.content.decode()
    assert client_for("citizen").get("/reports/annual/2024/").status_code == 403
    staff = client_for("staff").get("/reports/annual/2024/").content.decode()
    assert "活動のなかった団体" in staff
    follow_up = staff.split('id="follow-up-heading"')[1]
    assert "えのき会" in follow_up and "あおば会" not in follow_up


def test_the_csv_and_the_workbook_carry_the_breakdowns(client_for, office):
    from tests.reports.test_exports import read_csv

    rows = {r[0]: r for r in read_csv(client_for("official").get("/reports/annual/2024.csv"))}
    assert rows["groups.field.s-welfare.withdrawn"][2] == "1"
    assert rows["groups.area.s-north.end"][2] == "1"
    assert rows["bookings_used.field.s-welfare"][2] == "3"
    assert rows["event_participants.field.s-green"][2] == "3"
    assert client_for("official").get("/reports/annual/2024.xlsx").status_code == 200


def test_the_breakdowns_take_a_fixed_number_of_queries(office, staff, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            d = YearBreakdowns(2024, today=today)
            d.register_by_field, d.by_field, d.groups  # noqa: B018
        return len(ctx.captured_queries)

    count()  # the first cache write of the process also counts the cache's table
    few = count()
    fields = list(ActivityField.objects.all())
    more = groups_services.group_histories_create_bulk(
        actor=staff,
        now=NOW,
        histories=[
            _history(f"追加の会{n}", at(2024, 4, 20, 10), D(2024, 5, 1), fields=fields)
            for n in range(6)
        ],
    )
    hall = RoomFactory(capacity=20, requires_approval=False)
    facilities_services.bookings_record_bulk(
        actor=staff,
        now=NOW,
        rows=[
            _used(hall, group, at(2024, 8, 1 + n, 10), at(2024, 8, 1 + n, 11), 2,
                  at(2024, 7, 20, 10))
            for n, group in enumerate(more)
        ],
    )  # fmt: skip
    assert count() == few
    assert few <= 16  # the aggregate queries and the cache's own (read, lock, write, unlock)


def test_the_page_lists_the_most_active_groups_and_leaves_the_rest_to_the_workbook(
    client_for, office, monkeypatch
):
    """At scale the table of every active group was five thousand rows (a 1.9 MB page): the
    page shows the first PAGE_GROUP_ROWS, most active first, and says where the others are."""
    import io

    from openpyxl import load_workbook

    from reports import breakdowns

    monkeypatch.setattr(breakdowns, "PAGE_GROUP_ROWS", 1)
    cache.clear()
    client = client_for("official")
    page = client.get("/reports/annual/2024/").content.decode()
    table = page.split('data-table="by-group"')[1].split("</table>")[1]
    by_group = page.split('data-table="by-group"')[1].split("</table>")[0]
    assert "あおば会" in by_group and "いなほ会" not in by_group
    assert "ほかの1団体は" in table and "/reports/annual/2024.xlsx" in table
    workbook = load_workbook(io.BytesIO(client.get("/reports/annual/2024.xlsx").content))
    cells = {str(c.value) for ws in workbook for row in ws.iter_rows() for c in row}
    assert {"あおば会", "いなほ会"} <= cells
