"""QA pass (December): every figure of the reports says its unit; the readers' pages have the
breadcrumb trail the year's page has; dates read as people write them (「2024年7月1日(月)」),
not as ISO dates; and 「事業報告書」 names one document, the business report (the year's figures
are 「…の実績」)."""

import datetime as dt
import re

import pytest

from news.models import Opinion
from reports import services
from tests.events.factories import SurveyFactory
from tests.news.factories import OpinionFactory
from tests.reports.factories import booking, consultation, page_views, registered_group, room, tokyo

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def year_2024(today, staff):
    registered_group(D(2023, 5, 1))
    registered_group(D(2024, 6, 1))
    hall = room("多目的ホール")
    booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=15)
    consultation(D(2024, 8, 1), channel="phone")
    page_views(D(2024, 11, 1), 4321)
    services.kpi_target_set(actor=staff, fiscal_year=2024, key="page_views", target=5000)
    services.kpi_target_set(actor=staff, fiscal_year=2024, key="consultations", target=3)
    return services.business_report_save(actor=staff, fiscal_year=2024, overview="概要。")


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


# --- Units


def test_the_business_reports_figures_say_their_unit_for_every_column(client_for, year_2024, ja):
    html = client_for("committee").get("/reports/business/2024/").content.decode()
    figures = html.split('id="figures-h"')[1].split("</table>")[0]
    row = next(r for r in figures.split("<tr")[1:] if "相談件数" in r)
    # The unit once, with the indicator (the card's title on a phone), as on the year's page:
    # result, target and the year before are all in it.
    assert '<th scope="row">相談件数 <span class="unit">(件)</span></th>' in row
    cells = re.findall(r'data-label="([^"]+)">([^<]*)</td>', row)
    # (Consultations were first logged in FY2024: the year before has no figure.)
    assert cells == [("実績", "1"), ("目標値", "3"), ("達成率", "33.3%"), ("前年度", "—")]


def test_the_years_tables_say_their_units(client_for, year_2024, ja):
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    rooms = html.split('id="rooms-caption"')[1].split("</thead>")[0]
    for heading in (
        "利用済みの予約件数（件）",
        "予約時間数（時間）",
        "開館時間数（時間）",
        "利用者数（人）",
    ):
        assert heading in rooms, heading
    assert 'data-label="予約時間数（時間）">2.0</td>' in html  # the phone's cards too
    monthly = html.split('id="monthly-caption"')[1].split("</table>")[0]
    assert '<th scope="row">相談件数 <span class="unit">(件)</span></th>' in monthly
    channel = html.split("相談件数（受付方法別）</caption>")[1].split("</thead>")[0]
    assert "相談件数（件）" in channel
    assert 'data-label="交流会参加者数（人）"' in html and 'data-label="年度末（団体）"' in html


# --- Breadcrumbs


@pytest.mark.parametrize(
    ("url", "role", "trail"),
    [
        ("/reports/business/", "official", ["年度別の実績"]),
        ("/reports/business/2024/", "official", ["年度別の実績", "事業報告書"]),
        ("/reports/surveys/", "official", ["年度別の実績", "事業報告書"]),
        ("/reports/opinions/", "committee", ["年度別の実績", "事業報告書"]),
    ],
)
def test_the_readers_pages_have_the_breadcrumb_trail(client_for, year_2024, ja, url, role, trail):
    html = client_for(role).get(url).content.decode()
    nav = html.split('<nav class="breadcrumbs no-print" aria-label="現在位置"><ol>')[1]
    nav = nav.split("</nav>")[0]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', nav)
    assert [text for _href, text in links] == trail
    assert links[0][0] == "/reports/annual/"
    assert '<span aria-current="page">' in nav


# --- Dates


def test_dates_read_as_people_write_them(client_for, year_2024, ja, today):
    official, committee = client_for("official"), client_for("committee")
    SurveyFactory(title="利用者アンケート", opens_at=tokyo(2024, 7, 1, 9))
    OpinionFactory(addressed_to=Opinion.Addressee.COMMITTEE)
    Opinion.objects.update(created_at=tokyo(2024, 7, 2, 10))
    pages = {
        "/reports/surveys/": (official, "2024年7月1日(月)"),
        "/reports/opinions/": (committee, "2024年7月2日(火)"),
        "/reports/annual/2024/": (official, "期間：2024年4月1日〜2025年3月31日"),
        "/reports/annual/2025/": (official, "2026年1月15日現在の数値です"),
        "/reports/annual/": (official, "2026年1月15日現在"),
        "/reports/business/2025/": (official, "2026年1月15日時点の数値です"),
    }
    for url, (client, words) in pages.items():
        html = _main(client.get(url).content.decode())
        assert words in html, url
        # No ISO date for people (a <time datetime> attribute may keep one).
        text = re.sub(r'datetime="[^"]*"', "", html)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), url


# --- One name for one document


def test_the_business_report_is_the_only_jigyo_hokokusho(client_for, year_2024, ja):
    official = client_for("official")
    year = _main(official.get("/reports/annual/2024/").content.decode())
    assert "<h1>令和6年度 (2024年度)の実績</h1>" in year
    business = _main(official.get("/reports/business/2024/").content.decode())
    assert "令和6年度 (2024年度) 事業報告書" in business
    for url in ("/reports/annual/", "/reports/annual/2024/", "/reports/business/"):
        html = _main(official.get(url).content.decode())
        # 「事業報告」 only ever as 「事業報告書」, the business report.
        assert not re.search(r"事業報告(?!書)", html), url
