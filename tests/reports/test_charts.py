"""Charts: SVG drawn on the server, shown with <img>, no script anywhere, data also as a table."""

import datetime as dt
import re

import pytest

from tests.reports.factories import booking, consultation, page_views, room, tokyo

D = dt.date
YEAR_CHARTS = [
    "facility-users",
    "participants",
    "page-views",
    "rooms",
    "consultations",
    "groups-by-field",
    "use-by-field",
]
TREND_CHARTS = [
    "registered-groups-end",
    "facility-users",
    "exchange-participants",
    "page-views",
    "daily-visitors",
]


@pytest.fixture
def data(db):
    hall = room("多目的ホール")
    booking(hall, tokyo(2025, 5, 1, 10), tokyo(2025, 5, 1, 12), headcount=18)
    consultation(D(2025, 6, 1), category="funding")
    page_views(D(2024, 4, 1), 1200)
    page_views(D(2025, 4, 1), 3400)


@pytest.mark.parametrize(
    "url",
    [f"/reports/annual/2025/charts/{slug}.svg" for slug in YEAR_CHARTS]
    + [f"/reports/annual/charts/{slug}.svg" for slug in TREND_CHARTS],
)
def test_each_chart_is_an_svg_without_scripts(client_for, data, today, url):
    response = client_for("official").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert "<svg" in svg
    assert "<script" not in svg
    assert "onload" not in svg and "javascript:" not in svg
    # The SVG document may style itself but never run a script.
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy


def test_charts_show_the_figures(client_for, data, today):
    official = client_for("official")
    svg = official.get("/reports/annual/charts/page-views.svg").content.decode()
    assert "ホームページアクセス数" in svg
    assert "2024年度" in svg and "2025年度" in svg
    assert "1,200" in svg and "3,400" in svg
    rooms = official.get("/reports/annual/2025/charts/rooms.svg").content.decode()
    assert "多目的ホール" in rooms
    # Each chart of the year reads its own source: figures, not an empty chart.
    for slug, expected in [
        ("facility-users", ">18<"),
        ("page-views", "3,400"),
        ("consultations", "助成金・資金"),
    ]:
        svg = official.get(f"/reports/annual/2025/charts/{slug}.svg").content.decode()
        assert "データなし" not in svg, slug
        assert expected in svg, slug


def test_pages_embed_charts_as_images_with_a_data_table_and_no_inline_script(
    client_for, data, today
):
    official = client_for("official")
    for url, slugs, prefix in [
        ("/reports/annual/", TREND_CHARTS, "/reports/annual/charts/"),
        ("/reports/annual/2025/", YEAR_CHARTS, "/reports/annual/2025/charts/"),
    ]:
        response = official.get(url)
        html = response.content.decode()
        for slug in slugs:
            assert f'<img src="{prefix}{slug}.svg"' in html
        assert "<script" not in html
        assert 'style="' not in html
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        # Every chart is followed by its figures as a table for screen readers.
        assert html.count('<figure class="report-chart"') == len(slugs)
        assert len(re.findall(r"<caption>グラフ「[^」]+」の数値</caption>", html)) == len(slugs)
    html = official.get("/reports/annual/").content.decode()
    table = html[html.index("グラフ「ホームページアクセス数」の数値") :]
    table = table[: table.index("</table>")]
    assert '<th scope="row">令和6年度 (2024年度)</th><td>1,200</td>' in table
    assert '<th scope="row">令和7年度 (2025年度)、年度途中</th><td>3,400</td>' in table
