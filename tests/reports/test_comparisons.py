"""Issue #17 part 2: honest comparisons.

The running fiscal year is marked 「年度途中」 and compared with the same whole months of the year
before (never with a whole year); years before a source's first data show 「—」 on the single-year
page too; the rate says what it covers; the year labels are one style in tables, charts and files.
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache

from tests.reports.factories import booking, page_views, registered_group, room, tokyo

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
    """Today is 2026-01-15: FY2025 runs, April to December are over (nine whole months)."""
    page_views(D(2024, 6, 1), 100)  # FY2024, in the same months
    page_views(D(2025, 2, 1), 500)  # FY2024, February: after the same months
    page_views(D(2025, 6, 1), 150)  # FY2025
    page_views(D(2026, 1, 10), 40)  # FY2025, January: a month not yet over
    hall = room()
    # Fiscal-year and time-zone edges, Japan time.
    booking(hall, tokyo(2024, 12, 31, 23, 30), tokyo(2025, 1, 1, 0, 30), headcount=5)  # Dec
    booking(hall, tokyo(2025, 3, 31, 23, 30), tokyo(2025, 4, 1, 0, 30), headcount=7)  # March
    booking(hall, tokyo(2025, 4, 1, 0, 30), tokyo(2025, 4, 1, 1, 30), headcount=3)  # FY2025
    registered_group(D(2024, 5, 1))
    registered_group(D(2025, 2, 1))  # after the same months of FY2024
    registered_group(D(2025, 4, 1))
    return today


def test_the_running_year_is_compared_with_the_same_months_of_the_year_before(
    client_for, running_year
):
    html = client_for("official").get("/reports/annual/").content.decode()
    assert "年度途中" in html
    assert "2025年4月〜2025年12月" in html and "2024年4月〜2024年12月" in html
    # To date 190 (150 + 40); the same nine months: 150 against 100, not against 600.
    cell = trend_cell(html, "ホームページアクセス数", "令和7年度 (2025年度)")
    assert cell.startswith("190|"), cell
    assert "前年同期比 +50 (+50.0%)" in cell
    assert "−68" not in cell  # 190 against the whole year's 600 would be −68.3%
    # The finished year keeps its change from the whole year before.
    previous = trend_cell(html, "ホームページアクセス数", "令和6年度 (2024年度)")
    assert previous.startswith("600")


def test_the_same_months_respect_the_fiscal_year_and_japan_time(client_for, running_year):
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    # A booking at 23:30 on 31 December counts in December (in the same months); one at 23:30
    # on 31 March in March of FY2024 (outside them); one at 00:30 on 1 April in FY2025.
    assert cells(html, "data-same-period")["facility_users"] == "3"
    assert cells(html, "data-previous")["facility_users"] == "5"
    assert cells(html, "data-change")["facility_users"] == "−2"
    # A year-end level at the end of December: 2 groups against 1 (not the 2 of March 31).
    assert cells(html, "data-same-period")["registered_groups_end"] == "3"
    assert cells(html, "data-previous")["registered_groups_end"] == "1"
    assert cells(html, "data-key")["registered_groups_end"] == "3"
    assert "前年同期 2024年4月〜2024年12月" in html
    assert "2026-01-15までの実績" in html


def test_a_finished_year_compares_whole_years(client_for, running_year):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    assert cells(html, "data-previous")["page_views"] == "—"  # FY2023: before the counter
    assert cells(html, "data-key")["facility_users"] == "12"
    assert "data-same-period" not in html
    assert "年度途中" not in html.split('id="kpi-heading"')[1].split("</section>")[0]


def test_in_the_first_month_there_is_nothing_to_compare_yet(client_for, set_today):
    set_today(D(2025, 4, 20))
    page_views(D(2024, 4, 2), 100)
    page_views(D(2025, 4, 2), 80)
    html = client_for("official").get("/reports/annual/").content.decode()
    cell = trend_cell(html, "ホームページアクセス数", "令和7年度 (2025年度)")
    assert cell.startswith("80|")
    assert "前年同期比 —" in cell
    assert "−20" not in cell


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
