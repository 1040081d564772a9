"""QA pass (December): the long report pages on a 390-px phone.

- Every section of the year's page, the all-years page and the business report has, beside its
  heading, a small link back to the table of contents (44 px to tap, not printed).
- Long tables fold behind a <details> whose summary says what they hold and their key figure
  (no JavaScript); the stylesheets open them on wider screens and on paper, and the PDF shows
  them whole without the summaries or the links.
- A phone gets each chart drawn for its width (``?size=narrow`` through <picture>): its text is
  at least 11 px where a 800-px chart shrank to 7 px; the month labels are short and lie flat.
"""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from reports import services
from tests.reports.factories import booking, consultation, page_views, registered_group, room, tokyo

pytestmark = pytest.mark.django_db
D = dt.date
STATIC = Path(settings.BASE_DIR) / "reports" / "static" / "reports"


@pytest.fixture
def year_2024(today):
    """令和6年度 (FY2024), finished: groups, a room used, consultations, page views."""
    registered_group(D(2023, 5, 1))
    registered_group(D(2024, 6, 1))
    hall = room("コワーキング・ミーティングスペースA")
    booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=15)
    consultation(D(2024, 8, 1), channel="phone")
    consultation(D(2024, 8, 2), channel="visit")
    page_views(D(2024, 11, 1), 4321)
    return hall


def _sections(html: str) -> list[tuple[str, str]]:
    """(heading id, the heading row's HTML) of every section heading with a link beside it."""
    return re.findall(
        r'<div class="report-heading"><h2 id="([^"]+)">.*?</h2>(.*?)</div>', html, re.S
    )


def test_each_section_of_the_years_page_links_back_to_its_contents(client_for, year_2024, ja):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    assert '<h2 id="toc-heading">目次</h2>' in html
    sections = dict(_sections(html))
    # Every entry of the contents is a section whose heading has the link back.
    listed = re.findall(r'<li><a href="#([a-z-]+)">', html.split('id="toc-heading"')[1])
    assert listed and set(listed) <= set(sections)
    for link in sections.values():
        assert '<a class="report-to-toc no-print" href="#toc-heading">目次へ戻る</a>' in link


def test_the_all_years_page_has_contents_and_the_links_back(client_for, year_2024, ja):
    html = client_for("official").get("/reports/annual/").content.decode()
    contents = html.split('<h2 id="toc-heading">目次</h2>')[1].split("</nav>")[0]
    for anchor in ("summary-heading", "years-table-heading", "charts-heading", "notes-heading"):
        assert f'href="#{anchor}"' in contents
        assert anchor in dict(_sections(html)), anchor


def test_the_business_report_links_each_section_back_to_its_contents(client_for, year_2024, ja):
    html = client_for("committee").get("/reports/business/2024/").content.decode()
    sections = _sections(html)
    assert {"figures-h", "breakdowns-h", "charts-h", "opinions-h"} <= {h for h, _ in sections}
    for _heading, link in sections:
        assert 'href="#toc-h">目次へ戻る</a>' in link
    assert '<h2 id="toc-h">目次</h2>' in html


def test_long_tables_fold_behind_a_summary_of_what_they_hold(client_for, year_2024, ja):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    summaries = re.findall(r'<details class="report-fold">\s*<summary>(.*?)</summary>', html, re.S)
    text = [re.sub(r"\s+", "", s) for s in summaries]
    # The month-by-month table, the rooms (with the key figure: all rooms' rate), each
    # breakdown with its total and unit, the tables by field, area and group, the definitions.
    assert any(re.fullmatch(r"\d+指標の月別の表（4月〜3月）", t) for t in text), text
    assert any(re.fullmatch(r"1室・全室の稼働率[\d.]+%", t) for t in text), text
    assert "令和6年度(2024年度)相談件数（受付方法別）：合計2件" not in text  # the title alone
    assert "相談件数（受付方法別）：合計2件" in text
    assert "ページビュー数（サイトのコーナー別）：合計4,321回" in text
    assert any(t.startswith("活動分野別の登録団体数：") and t.endswith("分野") for t in text)
    assert any(t.startswith("各指標の数え方（") for t in text)
    # What folds is all there in the page (and so in print and for screen readers).
    monthly = html.split('id="monthly-heading"')[1].split("</details>")[0]
    assert 'id="monthly-caption"' in monthly and "</table>" in monthly


def test_the_stylesheets_open_the_folds_on_wider_screens_and_on_paper():
    for name in ("reports.css", "business.css"):
        css = re.sub(r"\s+", " ", (STATIC / name).read_text())
        assert "@media (min-width: 37.5rem), print" in css, name
        assert ".report-fold > summary { display: none; }" in css, name
        assert ".report-fold::details-content { content-visibility: visible; }" in css, name
        assert (
            ".report-to-toc { display: inline-flex; align-items: center; min-height: 44px;" in css
        )
    # The business report printed from the browser opens its charts' figures too.
    business = re.sub(r"\s+", " ", (STATIC / "business.css").read_text())
    assert ".br-chart-figures::details-content { content-visibility: visible; }" in business
    # The PDF (WeasyPrint) prints no summaries and no links back to the contents.
    pdf = re.sub(r"\s+", " ", (STATIC / "business_print.css").read_text())
    assert ".report-to-toc, .report-fold > summary { display: none; }" in pdf


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_the_pdf_prints_the_folded_tables_whole(client_for, year_2024, staff, ja, tmp_path):
    services.business_report_save(actor=staff, fiscal_year=2024, overview="概要です。")
    response = client_for("committee").get("/reports/business/2024.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "相談件数（件）" in text and "来所" in text  # the breakdown's table, open
    assert "目次へ戻る" not in text and "合計2件" not in text  # no links, no summaries


# --- Charts at a phone's width


def _font_sizes(svg: str) -> dict[str, float]:
    """The font sizes pygal's style gives each kind of text of the chart."""
    sizes = {}
    for selector, size in re.findall(r"([^{}]+)\{[^}]*?font-size:\s*([\d.]+)px", svg):
        sizes[selector.strip()] = float(size)
    return sizes


def _view_width(svg: str) -> float:
    return float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))


@pytest.mark.parametrize(
    "url",
    [
        "/reports/annual/2024/charts/facility-users.svg",
        "/reports/annual/2024/charts/consultations.svg",
        "/reports/annual/charts/page-views.svg",
    ],
)
def test_a_phones_chart_keeps_its_text_readable_at_390_px(client_for, year_2024, ja, url):
    official = client_for("official")
    wide = official.get(url).content.decode()
    narrow = official.get(url + "?size=narrow").content.decode()
    assert "<script" not in narrow
    # Shown about 340 px wide on a 390-px phone: the smallest text must read at 11 px or more.
    shown = 340
    smallest_wide = min(_font_sizes(wide).values()) * shown / _view_width(wide)
    smallest_narrow = min(_font_sizes(narrow).values()) * shown / _view_width(narrow)
    assert smallest_wide < 8  # what the QA pass found
    assert smallest_narrow >= 11, (smallest_narrow, _font_sizes(narrow))


def test_a_phones_monthly_chart_labels_the_months_short_and_flat(client_for, year_2024, ja):
    narrow = (
        client_for("official")
        .get("/reports/annual/2024/charts/facility-users.svg?size=narrow")
        .content.decode()
    )
    x_axis = narrow.split('<g class="axis x')[1].split('<g class="series')[0]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", x_axis)
    assert labels == ["4", "5", "6", "7", "8", "9", "10", "11", "12", "1", "2", "3"]
    assert "rotate(" not in x_axis
    assert "令和6年度 (2024年度)・月" in narrow  # the axis title says what they are
    assert "2024年4月" not in narrow


def test_the_pages_offer_the_phone_its_own_chart(client_for, year_2024, ja):
    official = client_for("official")
    for url, chart in (
        ("/reports/annual/2024/", "/reports/annual/2024/charts/rooms.svg"),
        ("/reports/annual/", "/reports/annual/charts/page-views.svg"),
        ("/reports/business/2024/", "/reports/annual/2024/charts/rooms.svg"),
    ):
        html = official.get(url).content.decode()
        assert re.search(
            rf'<source media="\(max-width: 37.5rem\)" srcset="{re.escape(chart)}\?size=narrow" '
            r'width="400" height="\d+">',
            html,
        ), url
        assert f'<img src="{chart}"' in html


def test_a_phones_long_room_name_keeps_its_start_and_end(client_for, year_2024, ja):
    narrow = (
        client_for("official")
        .get("/reports/annual/2024/charts/rooms.svg?size=narrow")
        .content.decode()
    )
    # 「コワーキング・ミーティングスペースA」 cut in its middle: 「コワーキング…ペースA」.
    assert re.search(r">コワーキング[^<…]*…[^<…]*A<", narrow)
    assert "コワーキング・ミーティングスペースA" not in narrow


@pytest.mark.parametrize("size", ["", "?size=narrow"])
def test_a_figure_written_on_its_bar_reads_on_the_dark_bar(client_for, year_2024, ja, size):
    """The rooms' rates are written on their dark green bars: dark text on a light halo (pygal
    left black text on the bar's dark green), and the halo is not undone by pygal's own CSS."""
    svg = client_for("official").get("/reports/annual/2024/charts/rooms.svg" + size)
    values = re.findall(r'<text[^>]*class="value"[^>]*>', svg.content.decode())
    assert values
    for text in values:
        assert 'style="stroke:#ffffff !important;' in text and "paint-order:stroke" in text
