"""The meeting space: users, bookings, hours, utilisation, equipment and walk-ins per year."""

import datetime as dt
from decimal import Decimal

import pytest

from core.fiscal import FiscalYear
from reports import kpis
from tests.reports.factories import booking, equipment_loan, room, tokyo, walk_ins

D = dt.date


@pytest.fixture
def space(db):
    a = room("会議室A")
    b = room("作業室B")
    # FY2025: used bookings with headcounts.
    used = booking(a, tokyo(2025, 4, 1, 10), tokyo(2025, 4, 1, 12), headcount=8)
    booking(a, tokyo(2025, 6, 10, 18), tokyo(2025, 6, 10, 21), headcount=12)
    booking(b, tokyo(2025, 6, 11, 9), tokyo(2025, 6, 11, 10, 30), headcount=3)
    # 23:30 on March 31 to 00:30 on April 1: counts wholly in FY2025, the year it starts in.
    edge = booking(b, tokyo(2026, 3, 31, 23, 30), tokyo(2026, 4, 1, 0, 30), headcount=5)
    # Confirmed (still to come): booked hours, not users.
    booking(a, tokyo(2026, 3, 20, 13), tokyo(2026, 3, 20, 17), status="confirmed")
    booking(a, tokyo(2025, 7, 1, 13), tokyo(2025, 7, 1, 15), status="cancelled")
    booking(a, tokyo(2025, 7, 2, 13), tokyo(2025, 7, 2, 15), status="cancelled")
    booking(b, tokyo(2025, 7, 3, 13), tokyo(2025, 7, 3, 15), status="no_show")
    booking(b, tokyo(2025, 7, 4, 13), tokyo(2025, 7, 4, 15), status="requested")
    booking(b, tokyo(2025, 7, 5, 13), tokyo(2025, 7, 5, 15), status="rejected")
    # A maintenance block is not a use of the office.
    booking(a, tokyo(2025, 8, 1, 9), tokyo(2025, 8, 1, 17), status="confirmed", kind="maintenance")
    # FY2024 and FY2026 neighbours (Tokyo time decides).
    booking(a, tokyo(2025, 3, 31, 21), tokyo(2025, 3, 31, 22), headcount=100)
    booking(a, tokyo(2026, 4, 1, 0, 0), tokyo(2026, 4, 1, 1, 0), headcount=200)
    equipment_loan(used, quantity=2)
    equipment_loan(edge, quantity=1)
    # Equipment on a cancelled booking was never lent.
    cancelled = booking(b, tokyo(2025, 9, 1, 10), tokyo(2025, 9, 1, 11), status="cancelled")
    equipment_loan(cancelled, quantity=4)
    walk_ins(D(2025, 3, 31), 1000)
    walk_ins(D(2025, 4, 1), 7)
    walk_ins(D(2026, 3, 31), 5)
    walk_ins(D(2026, 4, 1), 2000)
    return a, b


def test_each_figure_of_the_year(space):
    figures = kpis.yearly(first=2025, last=2025, sources=["facilities"])[2025]
    assert figures["bookings_used"] == 4
    assert figures["bookings_cancelled"] == 3
    assert figures["bookings_no_show"] == 1
    assert figures["booking_headcount"] == 8 + 12 + 3 + 5
    assert figures["walk_in_visitors"] == 12
    assert figures["facility_users"] == 28 + 12
    # used 2 + 3 + 1.5 + 1, confirmed 4 (maintenance, cancelled, no-show... not counted)
    assert figures["booked_hours"] == Decimal("11.5")
    assert figures["equipment_loans"] == 3


def test_the_neighbouring_years_get_what_starts_in_them(space):
    figures = kpis.yearly(first=2024, last=2026, sources=["facilities"])
    assert figures[2024]["facility_users"] == 1100
    assert figures[2024]["bookings_used"] == 1
    assert figures[2026]["facility_users"] == 2200
    assert figures[2026]["booked_hours"] == Decimal("1.0")


def test_a_booking_at_midnight_utc_boundary_counts_in_tokyo_time(db):
    a = room()
    # 2026-03-31 15:30 UTC is 00:30 on April 1 in Tokyo: FY2026.
    booking(
        a,
        dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC),
        headcount=4,
    )
    # 2026-03-31 14:30 UTC is 23:30 on March 31 in Tokyo: FY2025.
    booking(
        a,
        dt.datetime(2026, 3, 31, 14, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 31, 14, 30, tzinfo=dt.UTC),
        headcount=6,
    )
    figures = kpis.yearly(first=2025, last=2026, sources=["facilities"])
    assert figures[2025]["facility_users"] == 6
    assert figures[2026]["facility_users"] == 4
    months = kpis.monthly(FiscalYear(2025), sources=["facilities"])
    assert months[D(2026, 3, 1)]["facility_users"] == 6


def test_month_by_month(space):
    months = kpis.monthly(FiscalYear(2025), sources=["facilities"])
    assert months[D(2025, 4, 1)]["facility_users"] == 8 + 7
    assert months[D(2025, 4, 1)]["equipment_loans"] == 2
    assert months[D(2025, 6, 1)]["bookings_used"] == 2
    assert months[D(2025, 6, 1)]["booked_hours"] == Decimal("4.5")
    assert months[D(2025, 7, 1)]["bookings_cancelled"] == 2
    assert months[D(2025, 7, 1)]["bookings_no_show"] == 1
    assert months[D(2026, 3, 1)]["facility_users"] == 5 + 5
    assert months[D(2026, 3, 1)]["booked_hours"] == Decimal("5.0")
    assert sum(m["facility_users"] for m in months.values()) == 40


def test_each_rooms_utilisation_is_booked_hours_over_opening_hours(space, monkeypatch):
    a, b = space
    monkeypatch.setattr("reports.kpis.facilities.open_hours", lambda fy: {a.pk: 100.0, b.pk: 50.0})
    rows = {row["name"]: row for row in kpis.source("facilities").rooms(FiscalYear(2025))}
    assert rows["会議室A"]["booked_hours"] == Decimal("9.0")  # 2 + 3 + 4 (confirmed)
    assert rows["会議室A"]["utilisation_rate"] == Decimal("9.0")
    assert rows["会議室A"]["bookings_used"] == 2
    assert rows["会議室A"]["bookings_cancelled"] == 2
    assert rows["会議室A"]["users"] == 20
    assert rows["作業室B"]["booked_hours"] == Decimal("2.5")
    assert rows["作業室B"]["utilisation_rate"] == Decimal("5.0")
    assert rows["作業室B"]["bookings_no_show"] == 1
    overall = kpis.source("facilities").utilisation(list(rows.values()))
    assert overall["utilisation_rate"] == Decimal("7.7")  # 11.5 / 150


def test_a_year_with_nothing_is_all_zeros(db):
    room()
    figures = kpis.yearly(first=2010, last=2010, sources=["facilities"])[2010]
    assert figures["facility_users"] == 0
    assert figures["booked_hours"] == 0
    assert figures["equipment_loans"] == 0


def test_facility_users_agree_with_the_facilities_apps_own_count(space):
    from facilities.selectors import facility_users

    ours = kpis.yearly(first=2024, last=2026, sources=["facilities"])
    for year in (2024, 2025, 2026):
        fy = FiscalYear(year)
        assert ours[year]["facility_users"] == facility_users(fy.first_day, fy.last_day)
