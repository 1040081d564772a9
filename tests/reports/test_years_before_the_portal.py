"""Issue #17: years before the portal's first data are columns of the all-years report when a
figure of theirs was entered by hand (a 平成18年度 figure from the office's first report), marked
「手入力」 with its source; years nobody knows anything of show 「—」; the printed table keeps
blocks of six years; the CSV and the charts carry the hand-entered figures too."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from reports import services
from reports.annual import TrendReport
from reports.kpis.definitions import BY_KEY
from tests.reports.factories import page_views, registered_group

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _row(html: str, key: str) -> list[str]:
    """The KPI's cells across the table's blocks (printed latest block first), in year order."""
    with translation.override("ja"):
        label = str(BY_KEY[key].label)
    rows = [row for row in html.split("<tr") if f'<th scope="row">{label} ' in row]
    cells = []
    for row in reversed(rows):
        cells += [re.sub(r"<[^>]+>", "|", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    return cells


@pytest.fixture
def office(staff, today):
    """The portal's own data from FY2019; the office's first report gives 平成18年度 (FY2006)."""
    for year in range(2019, 2025):
        registered_group(D(year, 5, 1))
    page_views(D(2022, 4, 1), 4797)
    services.manual_figure_set(
        actor=staff,
        fiscal_year=2006,
        key="registered_groups_end",
        value=59,
        source="平成18年度事業報告書",
    )
    services.manual_figure_set(
        actor=staff, fiscal_year=2011, key="page_views", value=346495, source="旧カウンター"
    )


def test_a_heisei_18_figure_is_a_column_of_its_own_marked_by_hand(client_for, office, ja):
    html = client_for("official").get("/reports/annual/").content.decode()
    # FY2006 .. FY2025: twenty columns in blocks of six, the first one 平成18年度.
    assert "平成18年度 (2006年度)" in html
    # The register: 2006 by hand, 2019 on from the portal; FY2008-FY2013 knows nothing of it, so
    # that block leaves the row out: 2006-2007, 2014-2019, 2020-2025.
    cells = _row(html, "registered_groups_end")
    assert len(cells) == 14
    assert cells[0].startswith("59 ") and "手入力" in cells[0]
    assert "出典：平成18年度事業報告書" in cells[0]
    assert cells[1].startswith("—")  # FY2007: nothing known, never 0
    for cell in cells[2:7]:  # FY2014 .. FY2018
        assert cell.startswith("—"), cell
        assert "+" not in cell
    assert cells[7].startswith("1")  # FY2019: the portal's own, no increase from nothing
    assert "+" not in cells[7]
    # Page views: 2011 by hand (block 2008-2013), then the portal from 2022 (block 2020-2025).
    views = _row(html, "page_views")
    assert len(views) == 12
    assert views[3].startswith("346,495") and "手入力" in views[3]
    assert views[8].startswith("4,797") and "+" not in views[8]
    assert "この表では省いています" in html


def test_the_printed_table_keeps_blocks_of_six_years_latest_first(office):
    report = TrendReport(today=D(2026, 1, 15))
    assert report.years[0] == 2006 and report.years[-1] == 2025
    blocks = [[fy.year for fy in block["years"]] for block in report.table_blocks]
    assert blocks == [
        list(range(2020, 2026)),
        list(range(2014, 2020)),
        list(range(2008, 2014)),
        [2006, 2007],
    ]
    assert all(len(block) <= 6 for block in blocks)


def test_a_year_with_a_hand_figure_and_the_next_compare_honestly(staff, today):
    registered_group(D(2024, 5, 1))
    for year, value in ((2006, 59), (2007, 64)):
        services.manual_figure_set(
            actor=staff, fiscal_year=year, key="registered_groups_end", value=value, source="報告書"
        )
    report = TrendReport(today=D(2026, 1, 15))
    row = next(r for r in report.rows if r.kpi.key == "registered_groups_end")
    by_year = {cell.year: cell for cell in row.cells}
    assert by_year[2006].figure == 59 and by_year[2006].manual is not None
    assert by_year[2007].change == 5  # both by hand: a real change
    assert by_year[2008].figure is None and by_year[2008].change is None
    assert by_year[2024].figure == 1 and by_year[2024].change is None  # no increase from nothing
    assert by_year[2024].manual is None


def test_the_csv_has_the_early_columns_and_says_which_figures_are_by_hand(client_for, office):
    text = client_for("official").get("/reports/annual.csv").content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",")[2] == "2006"
    groups = next(line for line in lines if line.startswith("registered_groups_end,"))
    assert groups.split(",")[2:5] == ["59", "", ""]
    source = next(line for line in lines if line.startswith("registered_groups_end.entered_by"))
    assert source.split(",")[2] == "平成18年度事業報告書"
    assert source.split(",")[3] == ""


def test_the_trend_chart_starts_at_the_hand_figure_marked(client_for, office, ja):
    svg = client_for("official").get("/reports/annual/charts/registered-groups-end.svg")
    assert svg.status_code == 200
    text = svg.content.decode()
    assert "平成18年度" in text and "手入力" in text


def test_the_summary_line_starts_from_the_hand_entered_year(office):
    report = TrendReport(today=D(2026, 1, 15))
    summary = next(s for s in report.summaries if s.kpi.key == "registered_groups_end")
    assert summary.first_year == 2006 and summary.first_value == 59
    assert summary.last_year == 2024 and summary.last_value == 6
    assert "2006" in summary.text
