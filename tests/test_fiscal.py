"""Fiscal years run April–March in Asia/Tokyo and carry both calendars in their label."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.fiscal import FiscalYear, fiscal_year_of

TOKYO = ZoneInfo("Asia/Tokyo")


def test_fiscal_year_starts_on_april_first_in_tokyo():
    assert fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    # 2026-03-31 15:30 UTC is already April 1st in Tokyo.
    assert fiscal_year_of(dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)) == 2026
    assert fiscal_year_of(dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC)) == 2025


def test_labels_name_the_japanese_era_and_the_western_year():
    assert FiscalYear(2025).label == "令和7年度 (2025年度)"
    assert FiscalYear(2011).label == "平成23年度 (2011年度)"
    assert FiscalYear(2020).label == "令和2年度 (2020年度)"
    # The era changed on 2019-05-01, inside FY2019: both names are given.
    assert FiscalYear(2019).label == "平成31年度/令和元年度 (2019年度)"
    assert FiscalYear(1988).label == "昭和63年度 (1988年度)"
    assert FiscalYear(1989).label == "平成元年度 (1989年度)"


def test_era_codes_for_registration_numbers():
    assert FiscalYear(2025).era_code == "R7"
    assert FiscalYear(2019).era_code == "R1"
    assert FiscalYear(2018).era_code == "H30"


def test_bounds_and_months():
    fy = FiscalYear(2025)
    assert fy.start == dt.datetime(2025, 4, 1, tzinfo=TOKYO)
    assert fy.end == dt.datetime(2026, 4, 1, tzinfo=TOKYO)
    months = fy.months()
    assert months[0] == dt.date(2025, 4, 1)
    assert months[-1] == dt.date(2026, 3, 1)
    assert len(months) == 12


@pytest.mark.django_db
def test_fiscal_year_of_in_sql_uses_tokyo_time():
    from core.fiscal import FiscalYearOf
    from core.models import AuditLog

    entry = AuditLog.objects.create(action="test")
    cases = [
        (dt.datetime(2026, 3, 31, 14, 59, tzinfo=dt.UTC), 2025),  # 23:59 on March 31 in Tokyo
        (dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC), 2026),  # 00:00 on April 1 in Tokyo
        (dt.datetime(2025, 4, 1, 0, 0, tzinfo=TOKYO), 2025),
    ]
    for moment, expected in cases:
        AuditLog.objects.filter(pk=entry.pk).update(created_at=moment)
        fy = AuditLog.objects.annotate(fy=FiscalYearOf("created_at")).get(pk=entry.pk).fy
        assert fy == expected, moment
