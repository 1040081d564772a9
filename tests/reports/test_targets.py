"""Targets (目標値): staff set them in the admin; reports show achievement and, in the current
year, progress against a pro-rata target."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from reports.annual import YearReport
from reports.models import KpiTarget
from tests.reports.factories import booking, page_views, registered_group, room, tokyo, walk_ins

D = dt.date


def cells(html: str, attribute: str) -> dict[str, str]:
    return dict(
        re.findall(rf'<td class="num"[^>]* {attribute}="([a-z_]+)"[^>]*>([^<]*)</td>', html)
    )


@pytest.mark.django_db
def test_staff_set_a_target_in_the_admin(client_for):
    staff = client_for("staff")
    form = staff.get("/admin/reports/kpitarget/add/")
    assert form.status_code == 200
    assert "利用者数" in form.content.decode()
    response = staff.post(
        "/admin/reports/kpitarget/add/",
        {"fiscal_year": "2025", "key": "facility_users", "target": "6500", "note": "第3期計画"},
    )
    assert response.status_code == 302
    target = KpiTarget.objects.get()
    assert (target.fiscal_year, target.key, target.target) == (2025, "facility_users", 6500)
    assert str(target) == "令和7年度 (2025年度) 利用者数"
    listing = staff.get("/admin/reports/kpitarget/").content.decode()
    assert "令和7年度 (2025年度)" in listing


@pytest.mark.django_db
def test_one_target_per_year_and_kpi_and_only_for_kpis_that_take_one(client_for):
    staff = client_for("staff")
    KpiTarget.objects.create(fiscal_year=2025, key="page_views", target=300000)
    twice = staff.post(
        "/admin/reports/kpitarget/add/",
        {"fiscal_year": "2025", "key": "page_views", "target": "1"},
    )
    assert twice.status_code == 200
    withdrawals = staff.post(
        "/admin/reports/kpitarget/add/",
        {"fiscal_year": "2025", "key": "withdrawals", "target": "1"},
    )
    assert withdrawals.status_code == 200
    negative = staff.post(
        "/admin/reports/kpitarget/add/",
        {"fiscal_year": "2025", "key": "consultations", "target": "-5"},
    )
    assert negative.status_code == 200
    assert KpiTarget.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["official", "representative", "citizen"])
def test_only_staff_edit_targets(client_for, role):
    response = client_for(role).get("/admin/reports/kpitarget/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_a_finished_year_shows_target_actual_and_achievement(client_for, today):
    hall = room()
    booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=30)
    walk_ins(D(2024, 6, 1), 15)
    for day in (D(2024, 4, 1), D(2024, 4, 2), D(2024, 4, 3)):
        registered_group(day)
    KpiTarget.objects.create(fiscal_year=2024, key="facility_users", target=60)
    KpiTarget.objects.create(fiscal_year=2024, key="registered_groups_end", target=4)
    KpiTarget.objects.create(fiscal_year=2023, key="facility_users", target=1)  # another year
    html = client_for("official").get("/reports/annual/2024/").content.decode()
    assert cells(html, "data-key")["facility_users"] == "45"
    assert cells(html, "data-target")["facility_users"] == "60"
    assert cells(html, "data-achievement")["facility_users"] == "75.0%"
    assert cells(html, "data-achievement")["registered_groups_end"] == "75.0%"
    assert cells(html, "data-target")["page_views"] == "—"
    assert cells(html, "data-achievement")["page_views"] == "—"
    assert "現時点の進捗" not in html  # only the current year has progress to date


@pytest.mark.django_db
def test_the_current_year_compares_progress_with_a_pro_rata_target(client_for, today):
    # Today is 2026-01-15: day 290 of the 365 days of FY2025.
    page_views(D(2025, 4, 1), 200_000)
    for day in (D(2025, 5, 1), D(2025, 6, 1)):
        registered_group(day)
    KpiTarget.objects.create(fiscal_year=2025, key="page_views", target=365_000)
    KpiTarget.objects.create(fiscal_year=2025, key="registered_groups_end", target=4)
    html = client_for("official").get("/reports/annual/2025/").content.decode()
    assert "2026年1月15日現在の数値です（365日のうち290日目）" in html
    assert cells(html, "data-prorata")["page_views"] == "290,000"
    assert cells(html, "data-progress")["page_views"] == "69.0%"
    assert cells(html, "data-achievement")["page_views"] == "54.8%"
    # A year-end level is compared with the whole target, not a share of it.
    assert cells(html, "data-prorata")["registered_groups_end"] == "4"
    assert cells(html, "data-progress")["registered_groups_end"] == "50.0%"


def test_pro_rata_share_on_the_first_and_last_day_of_the_year(set_today):
    set_today(D(2025, 4, 1))
    first = YearReport(2025)
    assert (first.days_elapsed, first.days_in_year) == (1, 365)
    set_today(D(2024, 3, 31))
    leap = YearReport(2023)
    assert (leap.days_elapsed, leap.days_in_year) == (366, 366)
    assert leap.fraction == Decimal(1)
    assert YearReport(2024).fraction == 0  # not started yet


@pytest.mark.django_db
def test_a_target_set_while_the_page_is_kept_shows_at_once(client_for, today):
    hall = room()
    booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=30)
    official = client_for("official")
    first = official.get("/reports/annual/2024/").content.decode()
    assert cells(first, "data-target")["facility_users"] == "—"
    KpiTarget.objects.create(fiscal_year=2024, key="facility_users", target=60)
    again = official.get("/reports/annual/2024/").content.decode()
    assert cells(again, "data-target")["facility_users"] == "60"
    assert cells(again, "data-achievement")["facility_users"] == "50.0%"
