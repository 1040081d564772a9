"""Issue #18 part 6: the collaboration figures in the annual report, its CSV and the business
report, exact on data made through collaboration's services (proposals sent, assigned and
answered; a project's agreement and final report; an introduction and a referral)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from collaboration import services
from collaboration import services_gobetween as gobetween
from collaboration.models import Partner, Project
from core.fiscal import FiscalYear
from groups.models import Consultation
from reports import kpis
from reports.annual import YearReport
from tests.collaboration.test_proposals import FIELDS

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


@pytest.fixture
def office(member, group, staff, department, department_official):
    """FY2025: a proposal sent, adopted, its project started in November; its final report in
    April 2026 (FY2026). FY2026: a second proposal, not adopted; an introduction to a company and
    a consultation referred to it."""
    cache.clear()
    with time_machine.travel(NOW, tick=True):
        first = services.proposal_create(actor=member, group=group, **FIELDS)
        # Sent at 23:30 on 31 March 2025 in Japan: still FY2024.
        services.proposal_submit(actor=member, proposal=first, now=at(2025, 3, 31, 23, 30))
        services.proposal_assign(
            actor=staff,
            proposal=first,
            department=department,
            answer_due=dt.date(2025, 5, 1),
            now=at(2025, 4, 1, 0, 30),  # 00:30 on 1 April: FY2025
        )
        services.proposal_answer(
            actor=department_official,
            proposal=first,
            department=department,
            decision="adopted",
            reasons="採択",
            now=at(2025, 4, 20, 10),
        )
        project = Project.objects.get(proposal=first)
        services.agreement_record(
            actor=department_official,
            project=project,
            role_group="運営",
            role_city="会場",
            budget=280000,
            starts_on=dt.date(2025, 11, 1),
            ends_on=dt.date(2026, 3, 31),
            concluded_on=dt.date(2025, 10, 20),
        )
        services.final_report_submit(
            actor=member, project=project, results="毎月開いた", spending=250000,
            now=at(2026, 4, 10, 10),
        )  # fmt: skip
        second = services.proposal_create(actor=member, group=group, **FIELDS)
        services.proposal_submit(actor=member, proposal=second, now=at(2026, 5, 1, 10))
        services.proposal_assign(
            actor=staff,
            proposal=second,
            department=department,
            answer_due=dt.date(2026, 6, 30),
            now=at(2026, 5, 2, 10),
        )
        services.proposal_answer(
            actor=department_official,
            proposal=second,
            department=department,
            decision="rejected",
            reasons="予算の都合",
            now=at(2026, 5, 20, 10),
        )
        company = Partner.objects.create(name="港町印刷株式会社", kind=Partner.Kind.COMPANY)
        gobetween.introduction_record(
            actor=staff, from_group=group, partner=company, made_on=dt.date(2026, 5, 10)
        )
        held = Consultation.objects.create(
            held_on=dt.date(2026, 5, 11),
            group=group,
            channel=Consultation.Channel.VISIT,
            category=Consultation.Category.PARTNERSHIP,
            summary="印刷の協力先を探している",
            staff_member=staff,
        )
        gobetween.referral_record(
            actor=staff, consultation=held, partner=company, made_on=dt.date(2026, 5, 11)
        )
    return project


def test_each_years_figures_are_exact(office):
    years = kpis.yearly(first=2024, last=2026, sources=("collaboration",))
    assert years[2024]["proposals_received"] == 1  # sent at 23:30 on 31 March 2025
    assert years[2025] == {
        "proposals_received": 0,
        "proposals_adopted": 1,
        "projects_running": 1,  # started in November, running on 31 March 2026
        "projects_completed": 0,
        "partners_involved": 1,  # the department, assigned at 00:30 on 1 April 2025
        "introductions_made": 0,
        "consultations_referred": 0,
    }
    fy2026 = years[2026]
    assert fy2026["proposals_received"] == 1
    assert fy2026["proposals_received.kind.citizen"] == 1
    assert fy2026["proposals_adopted"] == 0
    assert fy2026["projects_running"] == 0 and fy2026["projects_completed"] == 1
    assert fy2026["partners_involved"] == 2  # the department and the company
    assert fy2026["introductions_made"] == 1 and fy2026["consultations_referred"] == 1


def test_the_year_page_csv_and_workbook_show_them(client_for, office):
    with time_machine.travel(NOW, tick=True):
        official = client_for("official")
        html = official.get("/reports/annual/2025/").content.decode()
        assert "協働事業提案の受付件数" in html and "年度末に実施中の協働事業" in html
        text = official.get("/reports/annual/2026.csv").content.decode("utf-8-sig")
        rows = {line.split(",")[0]: line.split(",") for line in text.splitlines()}
        assert rows["proposals_received"][2] == "1"
        assert rows["projects_completed"][2] == "1"
        assert rows["partners_involved"][2] == "2"
        assert rows["proposals_received.kind.citizen"][2] == "1"
        xlsx = official.get("/reports/annual/2026.xlsx")
        assert xlsx.status_code == 200
        trend = official.get("/reports/annual.csv").content.decode("utf-8-sig")
        assert any(line.startswith("consultations_referred,") for line in trend.splitlines())


def test_the_running_year_compares_to_the_day(office):
    with time_machine.travel(NOW, tick=True):
        report = YearReport(2026, today=dt.date(2026, 6, 10))
        figures = {f.key: f for f in report.figures}
        # 1 April to 10 June 2025: nothing received, the adoption of 20 April, the project not
        # started yet.
        assert figures["proposals_adopted"].previous == 1
        assert figures["proposals_received"].previous == 0
        assert figures["projects_running"].previous == 0
        assert figures["projects_completed"].same_period == 1


def test_the_business_report_has_a_collaboration_section(client_for, office):
    with time_machine.travel(NOW, tick=True):
        html = client_for("official").get("/reports/business/2025/").content.decode()
    assert 'id="collaboration"' in html
    assert "採択された提案" in html


def test_the_months_of_the_year_and_two_queries_a_period(office, django_assert_num_queries):
    with django_assert_num_queries(2):
        months = kpis.source("collaboration").monthly(FiscalYear(2026))
    assert months[dt.date(2026, 4, 1)]["projects_completed"] == 1
    assert months[dt.date(2026, 5, 1)]["proposals_received"] == 1
    assert months[dt.date(2026, 5, 1)]["partners_involved"] == 2
    assert months[dt.date(2026, 5, 1)]["introductions_made"] == 1
    assert months[dt.date(2026, 5, 1)]["consultations_referred"] == 1
    assert sum(m["proposals_received"] for m in months.values()) == 1
    with django_assert_num_queries(2):
        kpis.source("collaboration").yearly(first=None, last=2026)
    months = kpis.source("collaboration").monthly(FiscalYear(2025))
    assert months[dt.date(2025, 10, 1)]["projects_running"] == 0
    assert months[dt.date(2025, 11, 1)]["projects_running"] == 1
    assert months[dt.date(2025, 4, 1)]["proposals_adopted"] == 1


def test_read_once_by_month_the_figures_are_those_of_their_own_queries(office):
    """A year's report reads collaboration's counts once by month (core.kpis.MonthReading):
    its years, months and the year before to the same day equal their own queries, the
    edges of 31 March 23:30 and 1 April 00:30 and the partners counted once a year included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.kpis import MonthReading, counted_until, reading_months

    source = kpis.source("collaboration")

    def figures() -> list:
        result = [
            source.yearly(first=2025, last=2026),
            source.monthly(FiscalYear(2025)),
            source.monthly(FiscalYear(2026)),
        ]
        with counted_until(dt.date(2025, 6, 10)):
            result.append(source.yearly(first=2025, last=2025))
        return result

    with time_machine.travel(NOW, tick=True):
        expected = figures()
        read = MonthReading(2025, 2026, cut=at(2025, 6, 11))
        with reading_months(read), CaptureQueriesContext(connection) as queries:
            found = figures()
    assert found == expected
    # The counts once; the projects' dates for the years, each year's months and the day.
    assert len(queries) == 1 + 4
    assert expected[0][2026]["partners_involved"] == 2
    assert expected[3][2025]["proposals_adopted"] == 1
