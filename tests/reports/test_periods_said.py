"""The reports say what period a figure covers (QA review of December 2026).

- The business report's comparison column of a running year is the same period a year earlier,
  and says so (never 「前年度」 over figures that stop at today's date).
- Months that have not begun read 「—」 ("not yet"), not 0 or today's level or the bookings
  already made for them; the current month is "to date"; the year column of a level says
  year end (現在 in the running year), on the page and in the workbook.
- Each chart series has its own unit in the chart's data table, said once.
- Year labels on the charts' axes slant or stand upright when they would not fit flat.
- The year pages link back no further than the first year with data, forward no further than
  the running year.
- The tables of a year's breakdowns say which year (and day) they cover.
"""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from reports.charts import ChartData
from tests.reports.factories import booking, consultation, page_views, room, tokyo

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def year_with_bookings_ahead(today):
    """Today is 2026-01-15 (FY2025 runs). Bookings used in FY2024 and FY2025, and one
    confirmed for February 2026, a month that has not begun."""
    hall = room(name="ホール")
    booking(hall, tokyo(2024, 6, 1, 10), tokyo(2024, 6, 1, 12), headcount=8)
    booking(hall, tokyo(2025, 1, 10, 10), tokyo(2025, 1, 10, 12), headcount=5)
    booking(hall, tokyo(2025, 2, 10, 10), tokyo(2025, 2, 10, 12), headcount=30)  # after the date
    booking(hall, tokyo(2025, 6, 1, 10), tokyo(2025, 6, 1, 12), headcount=6)
    booking(hall, tokyo(2026, 2, 5, 10), tokyo(2026, 2, 5, 13), status="confirmed")
    page_views(D(2024, 6, 1), 100)
    page_views(D(2025, 6, 1), 150)
    consultation(D(2025, 6, 2))
    return today


def _month_row(html: str, label: str) -> str:
    table = html.split('id="monthly-caption"')[1].split("</table>")[0]
    # The indicator's name with its unit: 「予約時間数 <span class="unit">(時間)</span>」.
    return next(row for row in table.split("<tr")[1:] if f'<th scope="row">{label} <span' in row)


def test_business_report_of_a_running_year_heads_its_comparison_as_the_same_period(
    client_for, year_with_bookings_ahead
):
    html = client_for("official").get("/reports/business/2025/").content.decode()
    figures = html.split('id="figures-h"')[1].split("</table>")[0]
    assert "前年同期（2024年4月1日〜2025年1月15日）" in figures
    assert "前年度" not in figures
    # The figure under it is the same period's: 13 users (8 + 5) to 15 January 2025, not the
    # whole year's 43.
    row = next(r for r in figures.split("<tr")[1:] if "利用者数" in r)
    assert re.findall(r'data-label="前年同期[^"]*">([^<]*)<', row) == ["13"]


def test_business_report_of_a_finished_year_compares_with_the_whole_year_before(
    client_for, year_with_bookings_ahead
):
    html = client_for("official").get("/reports/business/2024/").content.decode()
    figures = html.split('id="figures-h"')[1].split("</table>")[0]
    assert "前年度" in figures and "前年同期" not in figures


def test_months_not_begun_read_not_yet_and_the_current_month_to_date(
    client_for, year_with_bookings_ahead
):
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    hours = _month_row(html, "予約時間数")
    # February 2026 has three hours booked, but it has not begun: no result yet.
    february = re.search(r'<td class="num not-yet" data-label="2026年2月">(.*?)</td>', hours)
    assert february and "—" in february.group(1) and "まだ来ていない月" in february.group(1)
    # A level does not carry today's value into months to come.
    groups = _month_row(html, "年度末の利用登録団体数")
    assert groups.count("not-yet") == 2  # February and March
    table = html.split('id="monthly-caption"')[1].split("</thead>")[0]
    assert '2026年1月<br><span class="unit">（15日まで）</span>' in table
    assert "（未到来）" in table
    assert "これまでの計／現在" in table
    assert 'class="num total" data-label="現在"' in groups
    assert 'data-label="2026年1月（15日まで）"' in groups  # the phone's card says it too


def test_a_finished_years_last_column_says_year_total_or_year_end(
    client_for, year_with_bookings_ahead
):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    table = html.split('id="monthly-caption"')[1].split("</thead>")[0]
    assert "年度計／年度末" in table and "not-yet" not in html
    assert 'class="num total" data-label="年度末"' in _month_row(html, "年度末の利用登録団体数")
    assert 'class="num total" data-label="年度計"' in _month_row(html, "利用者数")


def test_the_workbook_says_the_same_of_months_and_the_year_column(
    client_for, year_with_bookings_ahead
):
    response = client_for("official").get("/reports/annual/2025.xlsx")
    monthly = load_workbook(io.BytesIO(response.content))["月別"]
    header = [c.value for c in monthly[4]]
    assert header[10] == "2026/01（15日まで）"
    assert header[-1] == "これまでの計／現在"
    hours = next(r for r in monthly.iter_rows(min_row=5) if r[0].value == "予約時間数（時間）")
    assert [c.value for c in hours][11:13] == ["—", "—"]  # February, March: not begun


def test_each_chart_series_has_its_own_unit_said_once(client_for, year_with_bookings_ahead):
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    assert '<th scope="col">ホームページ訪問者数 (人)</th>' in html
    assert '<th scope="col">ホームページアクセス数 (回)</th>' in html
    assert "（％） (%)" not in html and "（人） (人)" not in html
    assert '<th scope="col">稼働率（％）</th>' in html
    assert '<th scope="col">相談件数 (件)</th>' in html


def test_year_labels_on_an_axis_never_overlap():
    def chart(labels):
        return ChartData("t", "x", labels, [("s", [1] * len(labels))])

    assert chart(["2024年度", "2025年度"]).rotation == 0
    full = [f"令和{n}年度 ({2018 + n}年度)" for n in range(2, 12)]
    assert chart(full).rotation == 40  # ten full labels would overlap flat
    many = [f"令和{n}年度 ({2018 + n}年度)" for n in range(1, 31)]
    assert chart(many).rotation == 90  # slanted, thirty would touch


def test_year_pages_link_no_further_than_the_data_and_the_running_year(
    client_for, year_with_bookings_ahead
):
    official = client_for("official")
    first = official.get("/reports/annual/2024/").content.decode()
    assert 'rel="prev"' not in first  # nothing before FY2024
    assert 'href="/reports/annual/2025/" rel="next"' in first
    running = official.get("/reports/annual/2025/").content.decode()
    assert 'href="/reports/annual/2024/" rel="prev"' in running
    assert 'rel="next"' not in running  # FY2026 has not begun
    # The addresses still answer (the all-years page links a year with hand-entered figures).
    assert official.get("/reports/annual/2023/").status_code == 200


def test_breakdown_tables_say_the_year_they_cover(client_for, year_with_bookings_ahead):
    official = client_for("official")
    running = official.get("/reports/annual/2025/").content.decode()
    captions = re.findall(r"<caption[^>]*>(.*?)</caption>", running, re.S)
    said = [c for c in captions if "令和7年度 (2025年度)・1月15日現在" in c]
    texts = " ".join(said)
    for name in ("部屋別の利用状況", "相談件数（受付方法別）", "活動分野別", "地域別", "団体別"):
        assert name in texts, name
    finished = official.get("/reports/annual/2024/").content.decode()
    assert '<span class="caption-period">令和6年度 (2024年度)</span> 部屋別' in finished
