"""Newsletter issues, subscribers at year end and bulletin posts per fiscal year."""

import datetime as dt

import pytest

from core.fiscal import FiscalYear
from reports import kpis
from tests.reports.factories import issue, post, subscriber, tokyo

D = dt.date


@pytest.fixture
def publishing(db):
    issue(D(2024, 4, 1))
    issue(D(2024, 10, 1))
    issue(D(2025, 3, 31))
    issue(D(2025, 4, 1))  # FY2025
    issue(D(2024, 12, 1), status="draft")  # a draft with a planned date is not published
    # Subscribers: confirmed before FY2024 and still there; one who left on the last day of
    # FY2024 (23:59 Tokyo); one who left at 00:00 on April 1 2025 (counted at FY2024's end);
    # one suppressed after a bounce in FY2024; one never confirmed.
    subscriber(tokyo(2023, 6, 1, 9))
    subscriber(tokyo(2024, 5, 1, 9), unsubscribed_at=tokyo(2025, 3, 31, 23, 59))
    subscriber(tokyo(2024, 5, 2, 9), unsubscribed_at=tokyo(2025, 4, 1, 0, 0))
    subscriber(tokyo(2024, 6, 1, 9), bounced_at=tokyo(2024, 9, 1, 9))
    subscriber(None)
    subscriber(tokyo(2025, 4, 1, 0, 0))  # FY2025
    # Posts: on the board, later withdrawn by the group, hidden by staff, still pending.
    post(tokyo(2024, 4, 1, 0, 0), category="members")
    post(tokyo(2024, 8, 1, 12), status="withdrawn", category="event")
    post(tokyo(2024, 8, 2, 12), status="hidden")
    post(None, status="pending")
    post(tokyo(2025, 3, 31, 23, 59), category="event")
    post(tokyo(2025, 4, 1, 0, 0))  # FY2025


def test_each_figure_of_the_year(publishing):
    figures = kpis.yearly(first=2023, last=2025, sources=["publishing"])
    assert figures[2024]["newsletter_issues"] == 3
    assert figures[2025]["newsletter_issues"] == 1
    assert figures[2023]["subscribers_end"] == 1
    assert figures[2024]["subscribers_end"] == 2  # 2023-06-01 and the one who left on April 1
    assert figures[2025]["subscribers_end"] == 2
    assert figures[2024]["bulletin_posts"] == 3
    assert figures[2024]["bulletin_posts.category.members"] == 1
    assert figures[2024]["bulletin_posts.category.event"] == 2
    assert figures[2025]["bulletin_posts"] == 1


def test_month_by_month(publishing):
    months = kpis.monthly(FiscalYear(2024), sources=["publishing"])
    assert months[D(2024, 4, 1)]["subscribers_end"] == 1
    assert months[D(2024, 5, 1)]["subscribers_end"] == 3
    assert months[D(2024, 6, 1)]["subscribers_end"] == 4
    assert months[D(2024, 9, 1)]["subscribers_end"] == 3  # the bounce
    assert months[D(2025, 3, 1)]["subscribers_end"] == 2
    assert months[D(2024, 10, 1)]["newsletter_issues"] == 1
    assert months[D(2024, 8, 1)]["bulletin_posts"] == 1
    assert months[D(2025, 3, 1)]["bulletin_posts"] == 1


def test_an_issue_scheduled_later_in_the_running_year_does_not_count_yet(db, set_today):
    set_today(D(2026, 1, 15))
    issue(D(2025, 5, 1))
    issue(D(2026, 3, 1))  # published status, but its date is still to come
    figures = kpis.yearly(first=2025, last=2025, sources=["publishing"], cached=False)
    assert figures[2025]["newsletter_issues"] == 1
    months = kpis.monthly(FiscalYear(2025), sources=["publishing"])
    assert months[D(2026, 3, 1)]["newsletter_issues"] == 0
    set_today(D(2026, 3, 1))  # the day it comes out
    figures = kpis.yearly(first=2025, last=2025, sources=["publishing"], cached=False)
    assert figures[2025]["newsletter_issues"] == 2
