"""The year's report as CSV (key,label,value) and as an Excel workbook formatted for A4."""

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from facilities.selectors import open_hours_by_room
from reports.kpis.definitions import KPIS
from reports.models import KpiTarget
from tests.reports.factories import (
    attendance,
    booking,
    consultation,
    event,
    issue,
    page_views,
    registered_group,
    room,
    tokyo,
    walk_ins,
)

D = dt.date

EXPECTED = {
    "registered_groups_end": "3",
    "new_registrations": "2",
    "withdrawals": "1",
    "net_change": "1",
    "facility_users": "29",
    "bookings_used": "2",
    "bookings_cancelled": "1",
    "bookings_no_show": "0",
    "booked_hours": "3.5",
    "utilisation_rate": None,  # depends on the office's opening hours: see below
    "equipment_loans": "0",
    "walk_in_visitors": "9",
    "exchange_meetings": "1",
    "exchange_participants": "12",
    "events_held": "1",
    "event_participants": "12",
    "survey_responses": "0",
    "consultations": "2",
    "newsletter_issues": "1",
    "subscribers_end": "0",
    "bulletin_posts": "0",
    "page_views": "4321",
    "daily_visitors": "0",
    # No collaboration record yet: no figure (an empty cell), never 0.
    "proposals_received": "",
    "proposals_adopted": "",
    "projects_running": "",
    "projects_completed": "",
    "partners_involved": "",
    "introductions_made": "",
    "consultations_referred": "",
}


@pytest.fixture
def year_2024(db):
    registered_group(D(2020, 4, 1))
    registered_group(D(2021, 4, 1), withdrawn_on=D(2024, 12, 1))
    registered_group(D(2024, 4, 1))
    registered_group(D(2025, 3, 31))
    hall = room("多目的ホール")
    booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=15)
    booking(hall, tokyo(2025, 3, 31, 23, 30), tokyo(2025, 4, 1, 1, 0), headcount=5)
    booking(hall, tokyo(2024, 6, 1, 10), tokyo(2024, 6, 1, 12), status="cancelled")
    walk_ins(D(2024, 4, 1), 9)
    attendance(event(tokyo(2024, 7, 7, 18)), 12)
    consultation(D(2024, 8, 1), channel="phone", category="funding")
    consultation(D(2024, 8, 2), channel="visit", category="funding")
    issue(D(2024, 10, 1))
    page_views(D(2024, 11, 1), 4321)
    KpiTarget.objects.create(fiscal_year=2024, key="facility_users", target=Decimal("40"))
    return hall


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel on Windows reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_a_header_and_one_row_per_kpi_with_stable_keys(client_for, year_2024, today):
    response = client_for("official").get("/reports/annual/2024.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="kyodo-office-report-2024.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["key", "label", "value"]
    kpi_rows = rows[1 : 1 + len(KPIS)]
    assert [r[0] for r in kpi_rows] == [kpi.key for kpi in KPIS]
    values = {r[0]: r[2] for r in kpi_rows}
    assert values == {**EXPECTED, "utilisation_rate": values["utilisation_rate"]}
    # Utilisation = booked hours ÷ the opening hours the facilities app counts for the year.
    open_hours = open_hours_by_room(D(2024, 4, 1), D(2025, 3, 31))[year_2024.pk]
    assert open_hours > 0
    assert Decimal(values["utilisation_rate"]) == (
        Decimal("350") / Decimal(str(open_hours))
    ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    labels = {r[0]: r[1] for r in kpi_rows}
    assert labels["registered_groups_end"] == "年度末の利用登録団体数"
    assert labels["page_views"] == "ホームページアクセス数"


def test_csv_adds_the_breakdowns_and_rooms(client_for, year_2024, today):
    rows = {r[0]: r for r in read_csv(client_for("staff").get("/reports/annual/2024.csv"))}
    assert rows["consultations.channel.phone"][2] == "1"
    assert rows["consultations.category.funding"][2] == "2"
    assert rows["page_views.section.home"][2] == "4321"
    assert rows["booked_hours.room." + year_2024.slug][1] == "予約時間数：多目的ホール"
    assert rows["booked_hours.room." + year_2024.slug][2] == "3.5"


def test_csv_of_a_year_before_any_data_has_empty_cells_not_zeros(client_for, today):
    rows = read_csv(client_for("official").get("/reports/annual/2012.csv"))
    values = {r[0]: r[2] for r in rows[1:]}
    assert values["registered_groups_end"] == ""
    assert values["booked_hours"] == ""
    assert values["page_views"] == ""


def test_the_csv_speaks_english_when_the_official_does(client_for, year_2024, today):
    official = client_for("official")
    official.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rows = read_csv(official.get("/reports/annual/2024.csv"))
    assert rows[1] == ["registered_groups_end", "Registered groups at year end", "3"]


def test_workbook_has_kpi_monthly_and_room_sheets_ready_for_a4(client_for, year_2024, today):
    response = client_for("official").get("/reports/annual/2024.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="kyodo-office-report-2024.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["主要指標", "月別", "部屋別", "内訳"]
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        # The tables' header repeats on every page; the breakdowns' sheet repeats its title.
        assert ws.print_title_rows == ("$1:$2" if ws.title == "内訳" else "$4:$4")
        assert "令和6年度 (2024年度)" in ws["A1"].value

    kpis = wb["主要指標"]
    header = [c.value for c in kpis[4]]
    assert header[:9] == [
        "キー",
        "指標",
        "単位",
        "実績",
        "目標値",
        "達成率（％）",
        "令和5年度 (2023年度)",
        "増減",
        "増減率（％）",
    ]
    rows = {row[0]: row for row in kpis.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["facility_users"][1] == "利用者数"
    assert rows["facility_users"][2] == "人"
    assert rows["facility_users"][3] == 29
    assert rows["facility_users"][4] == 40
    assert rows["facility_users"][5] == 72.5
    assert rows["booked_hours"][3] == 3.5
    assert rows["page_views"][3] == 4321
    assert rows["registered_groups_end"][6] == 2  # the year before
    assert rows["registered_groups_end"][7] == 1
    assert rows["registered_groups_end"][8] == 50.0
    assert kpis.page_setup.orientation == "landscape"

    monthly = wb["月別"]
    assert [c.value for c in monthly[4]][:3] == ["指標", "2024/04", "2024/05"]
    assert [c.value for c in monthly[4]][-1] == "年度計／年度末"
    lines = {row[0]: row for row in monthly.iter_rows(min_row=5, values_only=True)}
    # Each indicator says its unit, as on the page.
    users = lines["利用者数（人）"]
    assert users[1:13] == (9, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5)
    assert users[13] == 29
    assert lines["年度末の利用登録団体数（団体）"][8] == 3  # end of November
    assert lines["年度末の利用登録団体数（団体）"][9] == 2  # end of December: after the withdrawal

    rooms = wb["部屋別"]
    assert [c.value for c in rooms[4]] == [
        "部屋",
        "利用済みの予約件数（件）",
        "キャンセル（件）",
        "無断不使用（件）",
        "利用者数（人）",
        "予約時間数（時間）",
        "開館時間数（時間）",
        "稼働率（％）",
    ]
    assert [c.value for c in rooms[5]][:6] == ["多目的ホール", 2, 1, 0, 20, 3.5]


def test_every_year_side_by_side_as_csv(client_for, year_2024, today):
    response = client_for("official").get("/reports/annual.csv")
    assert response.status_code == 200
    assert 'filename="kyodo-office-report-all-years.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["key", "label", *[str(y) for y in range(2020, 2026)]]
    # The keys head the columns; the next row labels them in the reports' one style.
    assert rows[1] == [
        "fiscal_year",
        "年度",
        "令和2年度 (2020年度)",
        "令和3年度 (2021年度)",
        "令和4年度 (2022年度)",
        "令和5年度 (2023年度)",
        "令和6年度 (2024年度)",
        "令和7年度 (2025年度)、年度途中",
    ]
    values = {r[0]: r[2:] for r in rows[1:]}
    assert values["registered_groups_end"] == ["1", "2", "2", "2", "3", "3"]
    # Years before the first page-view counter have no figure: empty cells, not zeros.
    assert values["page_views"] == ["", "", "", "", "4321", "0"]
    assert "utilisation_rate" not in values  # needs each year's opening hours: per-year files


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "citizen", "representative"])
def test_the_all_years_csv_is_for_staff_and_officials_only(client_for, role):
    assert client_for(role).get("/reports/annual.csv").status_code in (302, 403)
