"""The newsletter digest lists the published events that start in its period, whether the
period is past, near or far ahead (read in SQL, not from a short list of upcoming events)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from events.models import Event
from events.selectors import events_between
from newsletter import services
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_digest_of_a_past_period_lists_that_periods_events(staff):
    EventFactory(title="春の交流会", start=at(dt.date(2026, 4, 10)))
    EventFactory(title="前の月の講座", start=at(dt.date(2026, 3, 31)))
    EventFactory(title="下書きの催し", start=at(dt.date(2026, 4, 12)), status=Event.Status.DRAFT)
    issue = services.digest_create(actor=staff, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    assert "春の交流会" in issue.body
    assert "前の月の講座" not in issue.body and "下書きの催し" not in issue.body


def test_a_digest_of_a_distant_period_lists_events_behind_many_earlier_ones(staff):
    for n in range(210):  # more upcoming events than any "next N" list would hold
        EventFactory(start=at(dt.date(2026, 7, 1)) + dt.timedelta(hours=n))
    EventFactory(title="来年の総会", start=at(dt.date(2027, 5, 20)))
    issue = services.digest_create(actor=staff, start=dt.date(2027, 5, 1), end=dt.date(2027, 5, 31))
    assert "来年の総会" in issue.body
    assert "登録団体情報交換会" not in issue.body


def test_the_range_is_read_by_local_days_at_both_ends():
    first = EventFactory(title="初日の朝", start=at(dt.date(2026, 9, 1), hour=0))
    last = EventFactory(title="最終日の夜", start=at(dt.date(2026, 9, 30), hour=23))
    EventFactory(title="翌日の朝", start=at(dt.date(2026, 10, 1), hour=0))
    assert events_between(dt.date(2026, 9, 1), dt.date(2026, 9, 30)) == [first, last]
