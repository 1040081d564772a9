"""Staff record a past event's registrations and attendance in bulk (the demo's years of
exchange meetings): the capacity and attendance rules hold, each step has its audit row dated
when it happened, and nothing is written when a rule says no."""

import datetime as dt

import pytest

from core.models import AuditLog
from events import services
from events.models import Event, Registration
from events.services import PastRegistration
from tests.events.factories import EventFactory, at

pytestmark = pytest.mark.django_db


def _rows(event, n=3):
    asked = event.start - dt.timedelta(days=10)
    came = [PastRegistration(registered_at=asked, name=f"参加者{i}", people=2, came=2)
            for i in range(n)]  # fmt: skip
    return [
        *came,
        PastRegistration(registered_at=asked, name="欠席者", people=1, came=0),
        PastRegistration(
            registered_at=event.start, name="当日参加", people=3, came=3, walk_in=True
        ),
    ]


def test_a_held_events_registrations_and_attendance_are_recorded(staff):
    event = EventFactory(start=at(-20), end=at(-20, 16), capacity=10)
    services.registrations_record_bulk(actor=staff, event=event, rows=_rows(event))

    came = Registration.objects.filter(event=event, attended=True)
    assert sum(r.attended_people for r in came) == 9
    assert Registration.objects.filter(event=event, attended=False).count() == 1
    assert all(r.confirmed_at <= event.start for r in Registration.objects.all())
    taken = AuditLog.objects.filter(action="events.registration_add_by_staff")
    assert taken.count() == 4
    assert all(row.created_at == event.start - dt.timedelta(days=10) for row in taken)
    marked = AuditLog.objects.get(action="events.attendance_record")
    assert marked.created_at == event.end
    assert AuditLog.objects.filter(action="events.walk_in_add").count() == 1


@pytest.mark.parametrize(
    "case", ["over capacity", "not yet held", "draft", "registered after the end"]
)
def test_what_the_services_would_refuse_is_refused_and_nothing_written(staff, case):
    event = EventFactory(start=at(-20), end=at(-20, 16), capacity=10)
    rows = _rows(event)
    if case == "over capacity":
        rows = _rows(event, n=6)
    elif case == "not yet held":
        event = EventFactory(start=at(5), end=at(5, 16), capacity=10)
        rows = _rows(event)
    elif case == "draft":
        Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    else:
        rows[0].registered_at = event.end + dt.timedelta(hours=1)

    with pytest.raises((services.EventError, services.RegistrationError)):
        services.registrations_record_bulk(actor=staff, event=event, rows=rows)

    assert not Registration.objects.exists()
    assert not AuditLog.objects.exists()
