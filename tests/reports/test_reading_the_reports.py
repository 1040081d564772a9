"""The report pages as a reader meets them (QA review, phone): the business report's charts
point to figures that are on that page; the year's long page opens with a table of contents;
a measure that began later than its source (the bulletin board beside the newsletter) shows
「—」, not 0, for the years before it existed."""

import datetime as dt
import re

import pytest
from django.utils import translation

from reports.kpis.definitions import BY_KEY
from tests.reports.factories import issue, page_views, post, registered_group, tokyo
from tests.reports.test_business_report import year_2024  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
D = dt.date


def test_each_business_report_chart_has_its_own_figures_on_the_page(client_for, year_2024, ja):  # noqa: F811
    html = client_for("committee").get("/reports/business/2024/").content.decode()
    charts = re.findall(r'<figure class="br-chart".*?</figure>', html, re.S)
    assert charts, "the year has charts"
    assert "この報告書の表にあります" not in html
    for chart in charts:
        title = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", chart).group(1)
        assert "数値はグラフの下の表にあります" in chart
        assert f"<caption>グラフ「{title}」の数値</caption>" in chart
        assert re.search(r'<td class="num">[\d,.—]+</td>', chart), title


@pytest.fixture
def office(today):
    for year in range(2022, 2026):
        registered_group(D(year, 5, 1))
    page_views(D(2024, 4, 1), 4797)


@pytest.mark.parametrize("year", [2025, 2024])  # the running year and a finished one
def test_the_year_page_opens_with_contents_linking_each_section(client_for, office, ja, year):
    html = client_for("official").get(f"/reports/annual/{year}/").content.decode()
    toc = re.search(
        r'<nav class="report-toc[^"]*" aria-labelledby="toc-heading">(.*?)</nav>', html, re.S
    )
    assert toc, "a table of contents"
    assert html.index("toc-heading") < html.index('id="kpi-heading"')
    anchors = re.findall(r'href="#([^"]+)"', toc.group(1))
    assert {"kpi-heading", "monthly-heading", "charts-heading", "notes-heading"} <= set(anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor


def _cells(html: str, key: str) -> list[str]:
    with translation.override("ja"):
        label = str(BY_KEY[key].label)
    rows = [row for row in html.split("<tr") if f'<th scope="row">{label} ' in row]
    assert rows, label
    row = "".join(reversed(rows))  # the blocks of years come latest first
    return [re.sub(r"<[^>]+>", "|", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_bulletin_posts_show_a_dash_before_the_boards_first_post(client_for, today, ja):
    # The newsletter from FY2021; the bulletin board's first post in FY2024 (the same source).
    for year in range(2021, 2026):
        issue(D(year, 6, 1))
    post(tokyo(2024, 8, 1, 10))
    post(tokyo(2025, 5, 1, 10))
    html = client_for("official").get("/reports/annual/").content.decode()
    issues = _cells(html, "newsletter_issues")
    posts = _cells(html, "bulletin_posts")
    assert len(issues) == len(posts) == 5  # FY2021 .. FY2025
    assert all(cell.startswith("1") for cell in issues)
    for cell in posts[:3]:  # FY2021 .. FY2023: no board yet
        assert cell.startswith("—") and "0" not in cell, cell
    assert posts[3].startswith("1") and posts[3].endswith("—|")  # no increase from nothing
    assert posts[4].startswith("1")
