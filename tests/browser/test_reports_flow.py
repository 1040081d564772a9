"""A city official opens the annual report in a browser."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_an_official_opens_the_annual_report_of_a_year(page, sign_in, official, group):
    sign_in(official)
    page.goto("/")
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="報告").click()
    page.wait_for_url(re.compile(reverse("reports:annual")))
    assert page.get_by_role("heading", level=1).count() == 1
    year_link = page.locator("main a[href^='/reports/annual/20']").first
    year_link.click()
    page.wait_for_url(re.compile(r"/reports/annual/\d{4}/$"))
    main = page.locator("main")
    assert "年度" in page.get_by_role("heading", level=1).inner_text()
    # Figures come as tables with captions, and every chart has its data table as well.
    assert main.locator("table caption").count() >= 1
    assert main.locator("a[href$='.csv']").count() and main.locator("a[href$='.xlsx']").count()


def test_a_citizen_cannot_open_the_report(page, sign_in, citizen):
    sign_in(citizen)
    response = page.goto(reverse("reports:annual"))
    assert response.status == 403
