"""Shared fixtures of the reports' tests."""

import datetime as dt

import pytest


@pytest.fixture
def set_today(monkeypatch):
    """set_today(date(2026, 1, 15)) → the reports treat that day as today (Asia/Tokyo)."""

    def apply(day: dt.date) -> dt.date:
        monkeypatch.setattr("reports.annual.report_today", lambda: day)
        return day

    return apply


@pytest.fixture
def today(set_today):
    """Day 290 of fiscal year 2025 (令和7年度): FY2025 is the current year."""
    return set_today(dt.date(2026, 1, 15))
