"""Issue #17 part 2: honest comparisons.

The running fiscal year is marked 「年度途中」 and compared with the year before from 1 April
to the same date (never with a whole year); years before a source's first data show 「—」 on the
single-year page too; the rate says what it covers; the year labels are one style in tables,
charts and files.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache

from core.fiscal import TOKYO as JST
from tests.reports.factories import (
    attendance,
    booking,
    event,
    page_views,
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


def cells(html: str, attribute: str) -> dict[str, str]:
    return dict(
        re.findall(rf'<td class="num"[^>]* {attribute}="([a-z_]+)"[^>]*>([^<]*)</td>', html)
    )


def trend_cell(html: str, label: str, year_label: str) -> str:
    """The text of one KPI's cell in one year's column of the all-years page."""
    for row in html.split("<tr")[1:]:
        if f'<th scope="row">{label} ' not in row:
            continue
        for cell in re.findall(r'<td class="num" data-label="([^"]*)">(.*?)</td>', row):
            if cell[0].startswith(year_label):
                return re.sub(r"<[^>]+>", "|", cell[1])
    raise AssertionError((label, year_label))


@pytest.fixture
def running_year(today):
    """Today is 2026-01-15: FY2025 runs; it is compared with 1 April 2024 to 15 January 2025."""
    page_views(D(2024, 6, 1), 100)  # FY2024, in the same period
    page_views(D(2025, 1, 15), 7)  # the same date a year earlier: in
    page_views(D(2025, 1, 16), 9)  # the day after: out
    page_views(D(2025, 2, 1), 500)  # FY2024, February: after the same period
    page_views(D(2025, 6, 1), 150)  # FY2025
    page_views(D(2026, 1, 10), 40)  # FY2025, this month, to date
    hall = room()
    # Fiscal-year and time-zone edges, Japan time.
    booking(hall, tokyo(2024, 12, 31, 23, 30), tokyo(2025, 1, 1, 0, 30), headcount=5)  # in
    # 23:30 on 15 January in Japan (14:30 UTC): in; 00:30 on 16 January (still the 15th in
    # UTC): out.
    booking(hall, tokyo(2025, 1, 15, 23, 0), tokyo(2025, 1, 15, 23, 30), headcount=2)
    booking(hall, tokyo(2025, 1, 16, 0, 30), tokyo(2025, 1, 16, 1, 30), headcount=4)
    booking(hall, tokyo(2025, 3, 31, 23, 30), tokyo(2025, 4, 1, 0, 30), headcount=7)  # out
    booking(hall, tokyo(2025, 4, 1, 0, 30), tokyo(2025, 4, 1, 1, 30), headcount=3)  # FY2025
    registered_group(D(2023, 5, 1), withdrawn_on=D(2025, 1, 20))  # still on it on 15 January
    registered_group(D(2024, 5, 1))
    registered_group(D(2025, 1, 15))  # registered on the same date: on the register that day
    registered_group(D(2025, 2, 1))  # after the same period of FY2024
    registered_group(D(2025, 4, 1))
    return today


def test_the_running_year_is_compared_with_the_same_period_of_the_year_before_to_the_day(
    client_for, running_year
):
    html = client_for("official").get("/reports/annual/").content.decode()
    assert "年度途中" in html
    assert "2025年4月1日〜2026年1月15日" in html and "2024年4月1日〜2025年1月15日" in html
    # To date 190 (150 + 40); 1 April 2024 to 15 January 2025: 107 (100 + 7), not 600 or 616.
    cell = trend_cell(html, "ホームページアクセス数", "令和7年度 (2025年度)")
    assert cell.startswith("190|"), cell
    assert "前年同期比 +83 (+77.6%)" in cell
    assert "−68" not in cell  # 190 against the whole year's 616 would be −69.2%
    # The finished year keeps its change from the whole year before.
    previous = trend_cell(html, "ホームページアクセス数", "令和6年度 (2024年度)")
    assert previous.startswith("616")


def test_the_same_period_respects_the_fiscal_year_and_japan_time(client_for, running_year):
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    # 5 (31 December, 23:30) + 2 (15 January, 23:00 Japan time); not the 4 of 00:30 on 16
    # January (the 15th in UTC) nor the 7 of 23:30 on 31 March. This year: the 3 of 00:30 on
    # 1 April.
    assert cells(html, "data-same-period")["facility_users"] == "3"
    assert cells(html, "data-previous")["facility_users"] == "7"
    assert cells(html, "data-change")["facility_users"] == "−4"
    # A year-end level as it stood on 15 January 2025: the group withdrawn on 20 January and
    # the one registered on the 15th count; the one of 1 February does not.
    assert cells(html, "data-same-period")["registered_groups_end"] == "4"
    assert cells(html, "data-previous")["registered_groups_end"] == "3"
    assert cells(html, "data-key")["registered_groups_end"] == "4"
    assert "前年同期 2024年4月1日〜2025年1月15日" in html
    assert "2026年1月15日までの実績" in html


def test_a_finished_year_compares_whole_years(client_for, running_year):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    assert cells(html, "data-previous")["page_views"] == "—"  # FY2023: before the counter
    assert cells(html, "data-key")["facility_users"] == "18"
    assert cells(html, "data-key")["registered_groups_end"] == "3"  # one withdrew in January
    assert "data-same-period" not in html
    assert "年度途中" not in html.split('id="kpi-heading"')[1].split("</section>")[0]


def test_in_the_first_days_the_comparison_is_to_the_day_too(client_for, set_today):
    set_today(D(2025, 4, 20))
    page_views(D(2024, 4, 2), 100)
    page_views(D(2024, 4, 21), 60)  # the day after the same date: out
    page_views(D(2025, 4, 2), 80)
    html = client_for("official").get("/reports/annual/").content.decode()
    cell = trend_cell(html, "ホームページアクセス数", "令和7年度 (2025年度)")
    assert cell.startswith("80|")
    assert "前年同期比 −20 (−20.0%)" in cell


def test_on_the_first_day_of_the_year_with_a_frozen_clock(client_for):
    """At 00:45 on 1 April 2026 (Japan time), FY2026 has begun: a booking at 23:30 on 31 March
    is last year's, a registration's attendance at an event at 00:30 on 1 April is this year's,
    and the comparison is with 1 April 2025 alone."""
    with time_machine.travel(dt.datetime(2026, 4, 1, 0, 45, tzinfo=JST), tick=False):
        hall = room()
        booking(hall, tokyo(2026, 3, 31, 23, 30), tokyo(2026, 4, 1, 0, 30), headcount=6)
        booking(hall, tokyo(2025, 4, 1, 10, 0), tokyo(2025, 4, 1, 12, 0), headcount=8)
        booking(hall, tokyo(2025, 4, 2, 10, 0), tokyo(2025, 4, 2, 12, 0), headcount=9)
        attendance(event(tokyo(2026, 4, 1, 0, 30), hours=1), 5)
        attendance(event(tokyo(2025, 4, 1, 18, 0)), 2)
        html = client_for("official").get("/reports/annual/2026/").content.decode()
        assert cells(html, "data-same-period")["facility_users"] == "0"
        assert cells(html, "data-previous")["facility_users"] == "8"
        assert cells(html, "data-same-period")["exchange_participants"] == "5"
        assert cells(html, "data-previous")["exchange_participants"] == "2"
        assert "2026年4月1日〜2026年4月1日" in html and "2025年4月1日〜2025年4月1日" in html
        last_year = client_for("official").get("/reports/annual/2025/").content.decode()
        assert cells(last_year, "data-key")["facility_users"] == "23"  # 8 + 9 + 6 (31 March)


def test_years_before_the_data_show_a_dash_on_the_single_year_page(client_for, today):
    registered_group(D(2019, 5, 1))
    page_views(D(2022, 4, 1), 4797)
    html = client_for("official").get("/reports/annual/2021/").content.decode()
    assert cells(html, "data-key")["page_views"] == "—"
    assert cells(html, "data-key")["registered_groups_end"] == "1"
    html = client_for("official").get("/reports/annual/2022/").content.decode()
    assert cells(html, "data-key")["page_views"] == "4,797"
    assert cells(html, "data-previous")["page_views"] == "—"
    assert cells(html, "data-change")["page_views"] == "—"  # no increase from nothing
    assert "+4,797" not in html


def test_the_utilisation_rate_says_it_covers_all_rooms(client_for, today):
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    assert "全室の稼働率" in html
    assert "すべての部屋を合わせた稼働率" in html
    assert "会議室の稼働率" not in html


def test_charts_label_years_in_the_one_style(client_for, running_year):
    svg = client_for("official").get("/reports/annual/charts/page-views.svg").content.decode()
    assert "令和6年度 (2024年度)" in svg
    assert "令和7年度 (2025年度)、年度途中" in svg
    assert ">2024年度<" not in svg


def test_a_source_without_any_record_shows_a_dash_in_the_running_year_too(client_for, today):
    page_views(D(2024, 6, 1), 100)
    html = client_for("official").get("/reports/annual/").content.decode()
    cell = trend_cell(html, "イベント参加者数", "令和7年度 (2025年度)")
    assert cell.startswith("—"), cell
    assert trend_cell(html, "ホームページアクセス数", "令和7年度 (2025年度)").startswith("0")
