"""Staff record events they published and held in bulk (the demo's years of exchange meetings
and seminars): published before the start, audited when published, the registrations' rules
hold, and nothing is written when one event breaks a rule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditLog
from events import services
from events.models import Event, Registration
from events.services import PastEvent, PastRegistration
from tests.events.factories import at

pytestmark = pytest.mark.django_db


def _event(slug="koryukai-2025-1", days=-20, capacity=10, **fields):
    start = at(days)
    values = {
        "title": "登録団体情報交換会",
        "slug": slug,
        "kind": Event.Kind.EXCHANGE,
        "start": start,
        "end": at(days, 16),
        "capacity": capacity,
        "published_at": start - dt.timedelta(days=30),
        "registrations": [
            PastRegistration(registered_at=start - dt.timedelta(days=5), name="山田 花子",
                             people=2, came=2),
            PastRegistration(registered_at=start, name="", people=1, came=1, walk_in=True),
        ],
    }  # fmt: skip
    values.update(fields)
    return PastEvent(**values)


def test_held_events_are_published_and_their_attendance_recorded(staff):
    first, second = services.events_record_bulk(
        actor=staff, rows=[_event(), _event("seminar-2025-1", days=-10)]
    )

    assert first.status == Event.Status.PUBLISHED
    assert first.published_at == first.start - dt.timedelta(days=30)
    published = AuditLog.objects.filter(action="events.event_approve")
    assert sorted(row.target_id for row in published) == sorted([str(first.pk), str(second.pk)])
    assert published.get(target_id=str(first.pk)).created_at == first.published_at
    assert Registration.objects.filter(event=first, attended=True).count() == 2
    assert AuditLog.objects.filter(action="events.attendance_record").count() == 2


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"published_at": at(-20) + dt.timedelta(hours=1)}, services.EventError),
        ({"end": at(-20) - dt.timedelta(hours=1)}, services.EventError),
        ({"slug": "surveys"}, services.EventError),  # reserved
        ({"capacity": 1}, services.RegistrationError),  # two registered people
        ({"days": 3}, services.EventError),  # not held yet
    ],
)
def test_what_the_product_cannot_reach_is_refused_and_nothing_written(staff, fields, error):
    days = fields.pop("days", -20)
    rows = [_event("seminar-2025-1", days=-10), _event(days=days, **fields)]
    with pytest.raises(error):
        services.events_record_bulk(actor=staff, rows=rows)
    assert not Event.objects.exists()
    assert not AuditLog.objects.exists()


def test_a_slug_already_taken_is_refused(staff):
    services.events_record_bulk(actor=staff, rows=[_event()])
    with pytest.raises(services.EventError):
        services.events_record_bulk(actor=staff, rows=[_event()])
    assert Event.objects.count() == 1


def test_only_staff_record_past_events(member):
    with pytest.raises(PermissionDenied):
        services.events_record_bulk(actor=member, rows=[_event()])
