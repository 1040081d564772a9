"""Issue #17: years before a KPI's first data show 「—」 (never 0), the first year with data has
no change from nothing (「—」), and internal keys never appear on the report pages."""

import datetime as dt
import re

import pytest
from django.utils import translation

from reports.kpis.definitions import BY_KEY, KPIS
from tests.reports.factories import page_views, registered_group

D = dt.date


def _row(html: str, key: str) -> str:
    """The KPI's row across the table's blocks of years (printed latest block first), in
    calendar order."""
    with translation.override("ja"):
        label = str(BY_KEY[key].label)
    rows = [row for row in html.split("<tr") if f'<th scope="row">{label} ' in row]
    assert rows, label
    return "".join(reversed(rows))


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "|", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]


@pytest.fixture
def office(today):
    """Groups from FY2019, page views only from FY2022 (the counter was added then)."""
    for year in range(2019, 2025):
        registered_group(D(year, 5, 1))
    page_views(D(2022, 4, 1), 4797)
    page_views(D(2023, 4, 1), 5000)
    page_views(D(2024, 4, 1), 6000)


@pytest.mark.django_db
def test_years_before_the_first_page_views_show_a_dash_and_no_increase(client_for, office):
    html = client_for("official").get("/reports/annual/").content.decode()
    cells = _cells(_row(html, "page_views"))
    # FY2020 .. FY2025: two years before the counter, then 4,797, 5,000, 6,000, 0 so far (the
    # block of FY2019 alone, with no page views at all, leaves the row out).
    assert len(cells) == 6
    for cell in cells[:2]:
        assert cell.startswith("—"), cell
        assert "0" not in cell
    assert cells[2].startswith("4,797")
    assert "+4,797" not in html
    assert cells[2].endswith("—|"), cells[2]  # the first year's change is —, not an increase
    assert "+203" in cells[3]
    assert "+1,000" in cells[4]


@pytest.mark.django_db
def test_a_kpi_with_data_from_the_first_year_keeps_its_numbers(client_for, office):
    html = client_for("official").get("/reports/annual/").content.decode()
    cells = _cells(_row(html, "registered_groups_end"))
    assert cells[0].startswith("1")
    assert "+1" in cells[1]


@pytest.mark.django_db
def test_the_csv_leaves_years_before_the_data_empty(client_for, office):
    text = client_for("official").get("/reports/annual.csv").content.decode("utf-8-sig")
    line = next(line for line in text.splitlines() if line.startswith("page_views,"))
    assert line.split(",")[2:] == ["", "", "", "4797", "5000", "6000", "0"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/reports/annual/", "/reports/annual/2024/"])
def test_no_internal_key_on_the_pages(client_for, office, url):
    html = client_for("official").get(url).content.decode()
    for kpi in KPIS:
        assert f"({kpi.key})" not in html
    assert "registered_groups_end" not in re.sub(r'data-[a-z]+="[^"]*"', "", html)
