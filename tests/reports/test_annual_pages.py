"""The annual report pages: who may see them, what they show, bad years, and their queries."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import FacilitySettings
from reports import kpis
from tests.reports.factories import (
    attendance,
    booking,
    consultation,
    event,
    page_views,
    registered_group,
    room,
    tokyo,
    walk_ins,
)

D = dt.date
ROLES_DENIED = ["citizen", "other_member", "member", "representative"]


def urls(year=2025):
    return [
        "/reports/annual/",
        f"/reports/annual/{year}/",
        f"/reports/annual/{year}.csv",
        f"/reports/annual/{year}.xlsx",
        "/reports/annual/charts/facility-users.svg",
        f"/reports/annual/{year}/charts/rooms.svg",
    ]


def history(first_year: int, last_year: int, rooms: int = 2) -> None:
    """Groups, bookings, walk-ins, exchange meetings, consultations and page views in every
    fiscal year from ``first_year`` to ``last_year`` (more years, more rows)."""
    spaces = [room() for _ in range(rooms)]
    for n, year in enumerate(range(first_year, last_year + 1)):
        for i in range(2):
            registered_group(D(year, 5, 1 + i))
        for space in spaces:
            booking(space, tokyo(year, 6, 1, 10), tokyo(year, 6, 1, 12), headcount=10 + n)
        walk_ins(D(year, 7, 1), 5)
        meeting = event(tokyo(year, 8, 1, 18))
        attendance(meeting, 6)
        consultation(D(year, 9, 1), channel="phone")
        page_views(D(year, 10, 1), 1000 * (n + 1))


@pytest.mark.django_db
@pytest.mark.parametrize("url", urls())
def test_anonymous_visitors_are_sent_to_log_in(client, url, today):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_DENIED)
@pytest.mark.parametrize("url", urls())
def test_citizens_and_group_members_may_not_see_reports(client_for, role, url, today):
    assert client_for(role).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "official"])
@pytest.mark.parametrize("url", urls())
def test_staff_and_officials_see_every_report(client_for, role, url, today):
    assert client_for(role).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/reports/annual/abc/",
        "/reports/annual/-1/",
        "/reports/annual/1999/",
        "/reports/annual/2028/",  # today is in FY2025: one year ahead is the most
        "/reports/annual/99999999999999999999/",
        "/reports/annual/1999.csv",
        "/reports/annual/3000.xlsx",
        "/reports/annual/abc.csv",
        "/reports/annual/charts/nope.svg",
        "/reports/annual/2025/charts/nope.svg",
        "/reports/annual/1800/charts/rooms.svg",
    ],
)
def test_years_out_of_range_and_unknown_charts_are_404(client_for, url, today):
    assert client_for("official").get(url).status_code == 404


@pytest.mark.django_db
def test_a_year_with_no_data_shows_dashes_not_zeros(client_for, today):
    # A year before any record, with nothing entered by hand: said once, no table of 「—」.
    response = client_for("official").get("/reports/annual/2010/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "平成22年度 (2010年度)" in html
    assert "手入力された数値もありません。この年度の数値はありません。" in html
    assert "data-key=" not in html and ">0<" not in html
    # The running year with nothing recorded yet: its table, 「—」 (never 0).
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    cells = dict(re.findall(r'<td class="num" data-key="([a-z_]+)"[^>]*>([^<]*)</td>', html))
    assert cells["registered_groups_end"] == "—"
    assert cells["facility_users"] == "—"
    assert cells["booked_hours"] == "—"
    assert cells["page_views"] == "—"
    assert cells["utilisation_rate"] == "—"
    # The year after the current one exists too (confirmed bookings may already be there).
    assert client_for("official").get("/reports/annual/2026/").status_code == 200


@pytest.mark.django_db
def test_every_year_side_by_side_with_change_and_the_seeds_summary(client_for, today):
    for day in (D(2019, 6, 1), D(2019, 7, 1)):
        registered_group(day)
    for i in range(3):
        registered_group(D(2024, 4, 10 + i))
    page_views(D(2019, 4, 1), 168336)
    page_views(D(2024, 4, 1), 346495)
    page_views(D(2025, 4, 1), 1000)  # the current year: in the table, not in the summary
    html = client_for("official").get("/reports/annual/").content.decode()
    for label in (
        "平成31年度/令和元年度 (2019年度)",
        "令和6年度 (2024年度)",
        "令和7年度 (2025年度)",
    ):
        assert label in html
    assert (
        "平成31年度/令和元年度末 (2019年度末) 2団体 → 令和6年度末 (2024年度末) 5団体（3団体増加）"
        in html
    )
    assert (
        "平成31年度/令和元年度 (2019年度) 168,336回 → 令和6年度 (2024年度) 346,495回"
        "（178,159回増加）" in html
    )
    # Year-on-year change, absolute and in per cent.
    assert "+3" in html and "(+150.0%)" in html
    assert "−345,495 (−99.7%)" in html  # page views of FY2025 so far against FY2024


@pytest.mark.django_db
def test_year_page_shows_the_figures_months_rooms_and_notes(client_for, today):
    history(2024, 2025)
    html = client_for("staff").get("/reports/annual/2025/").content.decode()
    cells = dict(re.findall(r'<td class="num" data-key="([a-z_]+)"[^>]*>([^<]*)</td>', html))
    assert cells["registered_groups_end"] == "4"
    assert cells["new_registrations"] == "2"
    assert cells["facility_users"] == str(11 + 11 + 5)
    assert cells["bookings_used"] == "2"
    assert cells["booked_hours"] == "4.0"
    assert cells["exchange_meetings"] == "1"
    assert cells["exchange_participants"] == "6"
    assert cells["consultations"] == "1"
    assert cells["page_views"] == "2,000"
    assert "令和7年度 (2025年度)" in html
    assert "4/2025" in html or "2025年4月" in html
    assert "平成31年度/令和元年度 (2019年度)" in html  # the era note
    assert "3月31日23時30分から4月1日0時30分までの予約" in html  # the booking boundary
    assert 'src="/reports/annual/2025/charts/rooms.svg"' in html
    assert "<script" not in html.split("</footer>")[0]


@pytest.mark.django_db
def test_consultation_channels_read_as_channels_in_japanese(client_for, today):
    # "Phone" is also a phone-number field label elsewhere; the channel keeps its own wording.
    history(2025, 2025)
    html = client_for("staff").get("/reports/annual/2025/").content.decode()
    assert "電話" in html
    assert "電話番号" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _cold_and_warm(client) -> tuple[int, ...]:
    """Queries of both pages with an empty cache, then with their figures cached."""
    cache.clear()
    cold = _queries(client, "/reports/annual/"), _queries(client, "/reports/annual/2024/")
    warm = _queries(client, "/reports/annual/"), _queries(client, "/reports/annual/2024/")
    current = _queries(client, "/reports/annual/2025/"), _queries(client, "/reports/annual/2025/")
    return (*cold, *warm, *current)


@pytest.mark.django_db
def test_the_pages_do_a_fixed_number_of_queries_however_many_years(client_for, today):
    official = client_for("official")
    FacilitySettings.load()  # the office's settings row, there in any real database
    history(2023, 2025, rooms=1)
    few = _cold_and_warm(official)
    # Seven more years (ten in all) and more rooms prove it as well as twenty would, in half the
    # time: a query per year or per room would already show.
    history(2016, 2022, rooms=3)
    many = _cold_and_warm(official)
    assert few == many, (few, many)
    trend_cold, year_cold, trend_warm, year_warm, current_cold, current_warm = many
    # Computing: one aggregate query per table of each KPI source, plus the cache's own; the
    # running year's comparison with the year before to the same date adds that year's figures
    # to the day (one aggregate per table, kept as long as the running year's).
    # One aggregate query per app and period where the app's tables allow (facilities, events
    # and collaboration each in one UNION ALL): 71 → 52 on the all-years page.
    # Each kept entry built afresh also takes and frees its lock (two writes: no second request
    # builds it meanwhile): 52 → 58.
    assert trend_cold <= 58
    # The year's page also keeps its rendered body (a read, the lock, the cache's write).
    # + the breakdowns by activity field, area and group (eight aggregates and their cache).
    # The year's page reads two years, not the whole history; a source with nothing in the
    # year before has its earlier years read (publishing and collaboration here: five).
    assert year_cold <= 73
    # The running year does not read the year before's rooms (its rate is not compared).
    assert current_cold <= 77
    # From the cache: the session, the user, the role, the figures and the targets; the year's
    # page then reads its rendered body.
    # + the year before to the same date, kept in an entry of its own, and the hand-entered
    # figures.
    assert trend_warm <= 7
    assert year_warm <= 6
    assert current_warm <= 6


@pytest.mark.django_db
def test_figures_are_kept_a_minute_for_the_current_year_ten_for_finished_ones(
    client_for, today, settings
):
    official = client_for("official")
    hall = room()
    booking(hall, tokyo(2024, 6, 1, 10), tokyo(2024, 6, 1, 12), headcount=10)
    booking(hall, tokyo(2025, 6, 1, 10), tokyo(2025, 6, 1, 12), headcount=20)

    def users(url):
        html = official.get(url).content.decode()
        return dict(re.findall(r'<td class="num" data-key="([a-z_]+)"[^>]*>([^<]*)</td>', html))[
            "facility_users"
        ]

    assert (users("/reports/annual/2024/"), users("/reports/annual/2025/")) == ("10", "20")
    booking(hall, tokyo(2024, 7, 1, 10), tokyo(2024, 7, 1, 12), headcount=5)
    booking(hall, tokyo(2025, 7, 1, 10), tokyo(2025, 7, 1, 12), headcount=7)
    assert (users("/reports/annual/2024/"), users("/reports/annual/2025/")) == ("10", "20")
    cache.clear()  # as when the entries expire
    assert (users("/reports/annual/2024/"), users("/reports/annual/2025/")) == ("15", "27")
    assert (kpis.cache_seconds(2024, D(2026, 1, 15)), kpis.cache_seconds(2025, D(2026, 1, 15))) == (
        600,
        60,
    )
    settings.REPORTS_CACHE_SECONDS, settings.REPORTS_LIVE_CACHE_SECONDS = 3600, 0
    assert kpis.cache_seconds(2024, D(2026, 1, 15)) == 3600
    assert kpis.cache_seconds(2025, D(2026, 1, 15)) == 0
