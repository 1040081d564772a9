"""Every write of the events app leaves its audit row in the same transaction (issue #13): the
day-before reminders are recorded per event, and a reminder run whose record cannot be written
marks nothing as sent, so the next run sends the reminders."""

import datetime as dt

import pytest
from django.core import mail

from core.models import AuditLog
from events import services
from events.services import lifecycle
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 6, 9, 9, 0, tzinfo=TOKYO)


@pytest.fixture
def tomorrows_event(db):
    event = EventFactory(
        start=dt.datetime(2026, 6, 10, 18, 0, tzinfo=TOKYO),
        end=dt.datetime(2026, 6, 10, 20, 0, tzinfo=TOKYO),
    )
    RegistrationFactory(event=event, guest_email="a@example.net")
    RegistrationFactory(event=event, guest_email="b@example.net")
    return event


def test_reminders_are_recorded_per_event(tomorrows_event, commit):
    with commit():
        assert services.reminders_send(now=NOW) == 2
    row = AuditLog.objects.get(action="events.reminders_send")
    assert row.target_id == str(tomorrows_event.pk)
    assert row.data == {"count": 2}
    assert len(mail.outbox) == 2


def test_a_reminder_run_that_cannot_be_recorded_sends_nothing_and_marks_nothing(
    tomorrows_event, commit, monkeypatch
):
    def fail(**kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr(lifecycle, "log_action", fail)
    with commit(), pytest.raises(RuntimeError):
        services.reminders_send(now=NOW)
    tomorrows_event.refresh_from_db()
    assert tomorrows_event.reminder_sent_at is None
    assert mail.outbox == []
