"""QA pass (December): the page of a year whose figures staff entered by hand (手入力, years
before the portal) shows those figures with their source, and says once, plainly, that the year
was entered by hand and which figures exist, instead of a page of 「—」. A year of the portal
shows a hand-entered figure where it has none of its own (the year before's too), marked."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from reports import services
from tests.reports.factories import page_views, registered_group

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(staff, today):
    """The portal's own records from FY2019; the office's first reports give FY2006 and 2007,
    and the old page counter FY2018's page views."""
    for year in range(2019, 2025):
        registered_group(D(year, 5, 1))
    page_views(D(2019, 6, 1), 170_000)
    for year, key, value, source in (
        (2006, "registered_groups_end", 59, "平成18年度事業報告書 p.3"),
        (2007, "registered_groups_end", 64, "平成19年度事業報告書"),
        (2007, "facility_users", 4768, "平成19年度事業報告書"),
        (2018, "page_views", 150_000, "旧カウンター"),
    ):
        services.manual_figure_set(
            actor=staff, fiscal_year=year, key=key, value=value, source=source
        )


def _main(html: str) -> str:
    """The page's own content, without the layout's header and footer."""
    return html.split('<main id="main"')[1].split("</main>")[0]


def test_a_year_entered_by_hand_shows_its_figures_and_says_so_once(client_for, office, ja):
    html = client_for("official").get("/reports/annual/2007/").content.decode()
    assert "平成19年度 (2007年度)の実績" in html
    # Said once, plainly: before the portal's records, entered by hand, two figures.
    assert html.count("ポータルの記録が始まる前の年度です") == 1
    assert "下の数値（2件）は、オフィスのスタッフが当時の資料から手入力したもの" in html
    cells = dict(re.findall(r'data-key="([a-z_]+)"[^>]*><span>([^<]*) <span class="badge">', html))
    assert cells == {"registered_groups_end": "64", "facility_users": "4,768"}
    assert html.count("手入力</span>") == 2 and "平成19年度事業報告書" in html
    # Only the figures that exist: no table of 「—」, no empty months, rooms or charts.
    body = _main(html)
    assert "—" not in body
    for gone in ('id="monthly-heading"', 'id="rooms-heading"', 'id="charts-heading"', "<img"):
        assert gone not in body, gone
    # The year before has a figure by hand: its page is linked.
    assert 'href="/reports/annual/2006/" rel="prev"' in html


def test_a_year_before_the_portal_with_nothing_entered_says_there_are_no_figures(
    client_for, office, ja
):
    html = client_for("official").get("/reports/annual/2010/").content.decode()
    assert "手入力された数値もありません。この年度の数値はありません。" in html
    assert "data-key=" not in html and "—" not in _main(html)


def test_the_portals_first_year_compares_with_the_figure_entered_by_hand(client_for, office, ja):
    html = client_for("official").get("/reports/annual/2019/").content.decode()
    row = next(r for r in html.split("<tr") if 'data-key="page_views"' in r)
    assert re.search(r'data-key="page_views"[^>]*>170,000<', row)  # the portal's own
    previous = re.search(r'data-previous="page_views"[^>]*>(.*?)</td>', row).group(1)
    assert "150,000" in previous and "手入力" in previous and "出典：旧カウンター" in previous
    assert re.search(r'data-change="page_views"[^>]*>\+20,000<', row)
    # A figure of the portal's own is never marked; the rest of the page is the usual one.
    groups = next(r for r in html.split("<tr") if 'data-key="registered_groups_end"' in r)
    assert "手入力" not in groups
    assert 'id="monthly-heading"' in html
    assert 'href="/reports/annual/2018/" rel="prev"' in html


def test_an_entered_figure_shows_at_once_on_a_kept_page(client_for, office, staff, ja):
    official = client_for("official")
    assert "4,768" in official.get("/reports/annual/2007/").content.decode()
    figure = services.manual_figure_set(
        actor=staff, fiscal_year=2007, key="exchange_participants", value=83, source="報告書"
    )
    html = official.get("/reports/annual/2007/").content.decode()
    assert re.search(r'data-key="exchange_participants"[^>]*><span>83 ', html)
    services.manual_figure_delete(actor=staff, manual_figure=figure)
    html = official.get("/reports/annual/2007/").content.decode()
    assert 'data-key="exchange_participants"' not in html


def test_the_csv_of_a_year_entered_by_hand_carries_its_figures_and_sources(client_for, office, ja):
    text = client_for("official").get("/reports/annual/2007.csv").content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert rows["facility_users"][2] == "4768"
    assert rows["page_views"][2] == ""  # nothing known: empty, never 0
    assert rows["facility_users.entered_by_hand"][2] == "平成19年度事業報告書"
    assert "page_views.entered_by_hand" not in rows


def test_the_workbook_of_a_year_entered_by_hand_carries_its_figures_marked(client_for, office, ja):
    response = client_for("official").get("/reports/annual/2007.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["主要指標"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["facility_users"][3] == 4768
    assert rows["facility_users"][1] == "利用者数（手入力、出典：平成19年度事業報告書）"
    assert rows["page_views"][3] is None


def test_the_business_report_of_a_year_entered_by_hand_marks_its_figures(
    client_for, office, staff, ja
):
    services.business_report_save(actor=staff, fiscal_year=2007, overview="当時の事業の概要。")
    html = client_for("committee").get("/reports/business/2007/").content.decode()
    figures = html.split('id="figures-h"')[1].split("</table>")[0]
    assert "4,768" in figures and "手入力" in figures and "出典：平成19年度事業報告書" in figures
    # The year before's (FY2006) is marked as well.
    row = next(r for r in figures.split("<tr") if "年度末の利用登録団体数" in r)
    assert "59" in row and row.count("手入力") == 2
