"""Registered groups and consultations per fiscal year, exact to the day at the year's edges."""

import datetime as dt

import pytest

from core.fiscal import FiscalYear
from reports import kpis
from tests.factories import GroupFactory
from tests.reports.factories import consultation, registered_group

D = dt.date


@pytest.fixture
def register(db):
    # Registered long before: on the register every year.
    registered_group(D(2018, 6, 1))
    # Registered on the last day of FY2023 and on the first day of FY2024.
    registered_group(D(2024, 3, 31))
    registered_group(D(2024, 4, 1))
    # Withdrawn on the last day of FY2024: a withdrawal in FY2024, not on the register at its end.
    registered_group(D(2023, 5, 10), withdrawn_on=D(2025, 3, 31))
    # Withdrawn on the first day of FY2025: still on the register at the end of FY2024.
    registered_group(D(2023, 7, 1), withdrawn_on=D(2025, 4, 1))
    # Suspended groups stay on the register.
    registered_group(D(2024, 10, 1), status="suspended")
    # Applications never registered and rejected ones are not counted.
    GroupFactory(status="applied", registered_on=None, registration_number=None)
    GroupFactory(status="rejected", registered_on=None, registration_number=None)


def test_register_at_each_year_end_new_registrations_and_withdrawals(register):
    figures = kpis.yearly(first=2022, last=2025, sources=["groups"])
    assert {fy: f["registered_groups_end"] for fy, f in figures.items()} == {
        2022: 1,
        2023: 4,  # 2018 + 2023-05-10 + 2023-07-01 + 2024-03-31
        2024: 5,  # + 2024-04-01 + 2024-10-01 − withdrawn 2025-03-31
        2025: 4,  # − withdrawn 2025-04-01
    }
    assert {fy: f["new_registrations"] for fy, f in figures.items()} == {
        2022: 0,
        2023: 3,
        2024: 2,
        2025: 0,
    }
    assert {fy: f["withdrawals"] for fy, f in figures.items()} == {
        2022: 0,
        2023: 0,
        2024: 1,
        2025: 1,
    }
    assert {fy: f["net_change"] for fy, f in figures.items()} == {
        2022: 0,
        2023: 3,
        2024: 1,
        2025: -1,
    }


def test_all_years_from_the_first_registration_when_no_first_year_is_given(register):
    figures = kpis.yearly(first=None, last=2025, sources=["groups"])
    assert list(figures) == list(range(2018, 2026))
    assert figures[2018]["new_registrations"] == 1
    assert figures[2019]["registered_groups_end"] == 1


def test_register_month_by_month(register):
    months = kpis.monthly(FiscalYear(2024), sources=["groups"])
    assert months[D(2024, 4, 1)] == {
        "registered_groups_end": 5,
        "new_registrations": 1,
        "withdrawals": 0,
        "net_change": 1,
    }
    assert months[D(2024, 10, 1)]["new_registrations"] == 1
    assert months[D(2024, 10, 1)]["registered_groups_end"] == 6
    assert months[D(2025, 3, 1)]["withdrawals"] == 1
    assert months[D(2025, 3, 1)]["registered_groups_end"] == 5
    assert sum(m["new_registrations"] for m in months.values()) == 2


def test_consultations_by_channel_and_category(db):
    consultation(D(2025, 3, 31), channel="phone", category="funding")  # FY2024
    consultation(D(2025, 4, 1), channel="phone", category="funding")
    consultation(D(2025, 4, 30), channel="visit", category="founding")
    consultation(D(2026, 3, 31), channel="email", category="funding")
    consultation(D(2026, 4, 1), channel="email", category="funding")  # FY2026
    figures = kpis.yearly(first=2024, last=2026, sources=["consultations"])
    assert figures[2024]["consultations"] == 1
    assert figures[2025]["consultations"] == 3
    assert figures[2025]["consultations.channel.phone"] == 1
    assert figures[2025]["consultations.channel.email"] == 1
    assert figures[2025]["consultations.channel.visit"] == 1
    assert figures[2025]["consultations.category.funding"] == 2
    assert figures[2025]["consultations.category.founding"] == 1
    assert figures[2026]["consultations"] == 1
    months = kpis.monthly(FiscalYear(2025), sources=["consultations"])
    assert months[D(2025, 4, 1)]["consultations"] == 2
    assert months[D(2026, 3, 1)]["consultations"] == 1
    assert months[D(2025, 5, 1)]["consultations"] == 0
