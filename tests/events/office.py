"""The office as the events' room tests need it (shared by test_rooms and
test_rules_closed_days): open Monday to Saturday 9:00–21:00 with the default booking rules,
and a meeting room for events."""

import datetime as dt

from facilities.models import FacilitySettings, OpeningHours, Room
from tests.facilities.factories import RoomFactory


def open_office() -> None:
    """Opening hours Monday–Saturday 9:00–21:00 (closed on Sundays) and the booking rules."""
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()


def event_room(name: str = "ミーティングスペースA", slug: str = "meeting-a") -> Room:
    """A room of 30 places where events are held."""
    return RoomFactory(name=name, slug=slug, capacity=30)
