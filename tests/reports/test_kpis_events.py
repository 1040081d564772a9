"""Exchange meetings, events and their participants, survey responses per fiscal year."""

import datetime as dt

import pytest

from core.fiscal import FiscalYear
from reports import kpis
from tests.reports.factories import attendance, event, survey_response, tokyo

D = dt.date


@pytest.fixture
def events(db):
    # FY2023 (April 2023 – March 2024): two exchange meetings and a seminar.
    first = event(tokyo(2023, 4, 1, 0, 0))
    attendance(first, 10)
    attendance(first, 4, attended_people=3)  # a party of four, three came
    attendance(first, 2, attended=False)  # did not come
    second = event(tokyo(2024, 3, 31, 23, 0))  # the last hour of the year
    attendance(second, 20)
    seminar = event(tokyo(2023, 9, 9, 14), kind="seminar")
    attendance(seminar, 15)
    # Not held: cancelled, a draft, a proposal awaiting approval.
    for status in ("cancelled", "draft", "proposed"):
        attendance(event(tokyo(2023, 10, 1, 10), status=status), 50)
    # FY2024 starts at 00:00 on April 1 in Tokyo.
    later = event(tokyo(2024, 4, 1, 0, 0))
    attendance(later, 7)
    survey_response(tokyo(2024, 3, 31, 23, 59))
    survey_response(tokyo(2023, 4, 1, 0, 0))
    survey_response(tokyo(2024, 4, 1, 0, 0))


def test_each_figure_of_the_year(events):
    figures = kpis.yearly(first=2023, last=2024, sources=["events"])
    assert figures[2023] == {
        "exchange_meetings": 2,
        "exchange_participants": 10 + 3 + 20,
        "events_held": 3,
        "event_participants": 10 + 3 + 20 + 15,
        "survey_responses": 2,
    }
    assert figures[2024] == {
        "exchange_meetings": 1,
        "exchange_participants": 7,
        "events_held": 1,
        "event_participants": 7,
        "survey_responses": 1,
    }


def test_an_event_that_has_not_started_is_not_held_yet(db):
    from django.utils import timezone

    soon = event(timezone.now() + dt.timedelta(days=3))
    attendance(soon, 5, attended=False)
    year = FiscalYear.of(soon.start).year
    assert kpis.yearly(first=year, last=year, sources=["events"])[year]["exchange_meetings"] == 0


def test_month_by_month(events):
    months = kpis.monthly(FiscalYear(2023), sources=["events"])
    assert months[D(2023, 4, 1)]["exchange_participants"] == 13
    assert months[D(2023, 4, 1)]["survey_responses"] == 1
    assert months[D(2023, 9, 1)]["event_participants"] == 15
    assert months[D(2023, 9, 1)]["exchange_meetings"] == 0
    assert months[D(2024, 3, 1)]["exchange_meetings"] == 1
    assert months[D(2024, 3, 1)]["exchange_participants"] == 20
    assert months[D(2023, 10, 1)]["events_held"] == 0
