"""Demo data: ten fiscal years of page views in the seed's growth, and targets for recent years."""

import datetime as dt
import io
import random

import pytest
from django.db.models import Count, Sum

from core.demo import DemoContext
from core.fiscal import FiscalYear, FiscalYearOf
from reports import demo
from reports.annual import TrendReport
from reports.models import KpiTarget, PageViewCounter

TODAY = dt.date(2026, 1, 15)  # in FY2025


def context(scale=1):
    return DemoContext(scale=scale, rng=random.Random(2026), stdout=io.StringIO(), today=TODAY)


@pytest.mark.django_db
def test_ten_years_of_daily_page_views_from_168336_to_346495():
    demo.seed(context())
    totals = dict(
        PageViewCounter.objects.values(fy=FiscalYearOf("day"))
        .annotate(n=Sum("views"))
        .values_list("fy", "n")
    )
    assert sorted(totals) == list(range(2016, 2026))
    assert totals[2016] == 168_336
    assert totals[2024] == 346_495
    assert all(totals[y] < totals[y + 1] * 1.1 for y in range(2016, 2024))
    assert 0 < totals[2025] < 346_495  # the year so far
    # Daily rows: every day of a finished year, nothing after today.
    days = PageViewCounter.objects.filter(day__range=(dt.date(2023, 4, 1), dt.date(2024, 3, 31)))
    assert days.values("day").distinct().count() == 366
    assert not PageViewCounter.objects.filter(day__gt=TODAY).exists()
    busiest = (
        PageViewCounter.objects.values("section").annotate(n=Sum("views")).order_by("-n").first()
    )
    assert busiest["section"] == "home"
    # One row per day and section at most.
    assert not (
        PageViewCounter.objects.values("day", "section").annotate(n=Count("pk")).filter(n__gt=1)
    )


@pytest.mark.django_db
def test_the_all_years_page_tells_the_seeds_story(set_today):
    set_today(TODAY)
    demo.seed(context())
    summary = {s.kpi.key: s for s in TrendReport().summaries}["page_views"]
    assert (summary.first_year, summary.first_value) == (2016, 168_336)
    assert (summary.last_year, summary.last_value) == (2024, 346_495)
    assert summary.text.endswith("346,495回（178,159回増加）")


@pytest.mark.django_db
def test_targets_for_the_last_two_years_and_this_one():
    demo.seed(context())
    years = set(KpiTarget.objects.values_list("fiscal_year", flat=True))
    assert years == {2023, 2024, 2025}
    page_views = KpiTarget.objects.get(fiscal_year=2025, key="page_views").target
    assert page_views == 370_000  # 346,495 × 1.05, rounded up to two figures
    assert KpiTarget.objects.get(fiscal_year=2025, key="utilisation_rate").target == 45


@pytest.mark.django_db
def test_seeding_twice_adds_nothing():
    demo.seed(context())
    rows, targets = PageViewCounter.objects.count(), KpiTarget.objects.count()
    demo.seed(context())
    assert (PageViewCounter.objects.count(), KpiTarget.objects.count()) == (rows, targets)


@pytest.mark.django_db
def test_benchmark_scale_goes_back_to_the_offices_first_year():
    demo.seed(context(scale=10))
    first = PageViewCounter.objects.order_by("day").first().day
    assert FiscalYear.of(first).year == 2006


@pytest.mark.django_db
def test_every_day_with_page_views_has_its_visitors_so_the_visitors_chart_shows(client_for):
    from reports.models import VisitorCounter

    demo.seed(context())
    days_with_views = PageViewCounter.objects.values("day").distinct().count()
    assert VisitorCounter.objects.count() == days_with_views
    views = PageViewCounter.objects.filter(day=dt.date(2024, 6, 3)).aggregate(n=Sum("views"))["n"]
    visitors = VisitorCounter.objects.get(day=dt.date(2024, 6, 3)).visitors
    assert views / 3.5 < visitors < views / 2.5  # about three pages a visitor
    assert demo.seed_visitors(context()) == 0  # once
    report = TrendReport(today=TODAY)
    daily = next(row for row in report.rows if row.kpi.key == "daily_visitors")
    assert all(cell.value for cell in daily.cells)
    svg = client_for("official").get("/reports/annual/charts/daily-visitors.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content
