"""Issue #17 part 2: the report pages on a phone and on A4 paper, with twelve years of data.

- On a phone (390×844) no report page is wider than the window: its tables are cards.
- Printed (Chromium's print to PDF, A4), the all-years table keeps every year column inside the
  page: the table comes in blocks of six years, the latest first. Checked twice: each column's
  right edge measured in print media at the A4 page's width, and the PDF's text (pdftotext)
  holding every year's label and figure, the latest year on the first page.
"""

import datetime as dt
import shutil
import subprocess

import pytest

from tests.a11y import layout
from tests.browser.conftest import RESULTS_DIR
from tests.reports.factories import booking, page_views, registered_group, room, tokyo

pytestmark = pytest.mark.browser

YEARS = range(2014, 2026)  # twelve fiscal years, FY2025 running
TODAY = dt.date(2026, 1, 15)

# A4 portrait less the print style's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


@pytest.fixture
def twelve_years(db, monkeypatch):
    monkeypatch.setattr("reports.annual.report_today", lambda: TODAY)
    hall = room(name="コワーキング・ミーティングスペースA/B")
    for n, year in enumerate(YEARS):
        registered_group(dt.date(year, 5, 1))
        page_views(dt.date(year, 6, 1), 100_000 + 1_111 * n)
        start = tokyo(year, 7, 1, 10)
        booking(hall, start, start + dt.timedelta(hours=2), headcount=10 + n)


def _overflow(page) -> tuple[int, list]:
    """How many px the page is wider than the window, and its widest elements."""
    found = layout.measure(page)
    return found["overflow"], found["wide"]


@pytest.mark.parametrize("url", ["/reports/annual/", "/reports/annual/2025/"])
def test_the_report_pages_fit_a_phone(page, sign_in, official, twelve_years, url):
    sign_in(official)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert _overflow(page)[0] <= 0, _overflow(page)
    # The KPI's name reads as the card's title, not one character a line.
    title = page.locator("main table.report-table tbody th[scope='row']").first
    box = title.bounding_box()
    assert box["width"] > 300
    RESULTS_DIR.mkdir(exist_ok=True)
    name = url.strip("/").replace("/", "_")
    page.screenshot(path=str(RESULTS_DIR / f"{name}-390.png"), full_page=True)
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(RESULTS_DIR / f"{name}-390-table.png"))
    breakdowns = page.locator("#by-field-heading")
    if breakdowns.count():
        breakdowns.scroll_into_view_if_needed()
        page.screenshot(path=str(RESULTS_DIR / f"{name}-390-breakdowns.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url)
    assert _overflow(page)[0] <= 0, _overflow(page)
    page.screenshot(path=str(RESULTS_DIR / f"{name}-1366.png"), full_page=True)
    page.locator("main table.report-table").first.scroll_into_view_if_needed()
    page.screenshot(path=str(RESULTS_DIR / f"{name}-1366-table.png"))


def test_every_year_column_stays_inside_an_a4_page(page, sign_in, official, twelve_years):
    sign_in(official)
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    page.goto("/reports/annual/")
    page.emulate_media(media="print")
    edges = page.evaluate(
        """() => Array.from(document.querySelectorAll('table.report-trend thead th'))
              .map((th) => Math.round(th.getBoundingClientRect().right))"""
    )
    assert len(edges) == len(YEARS) + 2  # two blocks, each with its indicator column
    assert max(edges) <= A4_CONTENT_WIDTH, edges
    blocks = page.evaluate(
        """() => Array.from(document.querySelectorAll('table.report-trend'))
              .map((t) => Array.from(t.querySelectorAll('thead th')).slice(1)
                   .map((th) => th.textContent.trim()))"""
    )
    # The latest years first: FY2020-FY2025, then FY2014-FY2019.
    assert blocks[0][0].startswith("令和2年度 (2020年度)")
    assert blocks[0][-1].startswith("令和7年度 (2025年度)")
    assert blocks[1][0].startswith("平成26年度 (2014年度)")

    RESULTS_DIR.mkdir(exist_ok=True)
    pdf = RESULTS_DIR / "reports_annual_a4.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    for year in YEARS:
        assert f"({year}" in text, year
    # The running year's figure (to date) and the oldest year's, whole.
    assert "112,221" in text and "100,000" in text
    latest = next(n for n, p in enumerate(pages) if "(2025" in p)
    oldest = next(n for n, p in enumerate(pages) if "(2014" in p and "→" not in p)
    assert latest <= oldest
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(RESULTS_DIR / "reports_annual_a4")],
            check=True,
        )
