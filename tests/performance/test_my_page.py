"""My Page reads as much for a representative with years of activity as for a newcomer (issue
#20), and each of the apps' sections still shows what it should."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Registration, Survey
from tests.events.factories import EventFactory, RegistrationFactory, SurveyFactory
from tests.facilities.factories import RoomFactory, at, make_booking

pytestmark = pytest.mark.django_db

# The session and the user; the groups' section (memberships, renewals, verified addresses,
# invitations); the bookings' (the next bookings, may the user book); the events' (the
# registrations with their ranks, the proposals, the surveys waiting for an answer, asked in
# one query); the organised events; the mails; the header's roles (16 before issue #20).
MY_PAGE_QUERIES = 14


def reads(client) -> tuple[int, str]:
    url = reverse("my_account")
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_same_reads_with_years_of_activity(client_for, representative, group):
    client = client_for("representative")
    few, _html = reads(client)
    room = RoomFactory(name="研修室", slug="training")
    today = timezone.localdate()
    for n in range(300):
        day = today - dt.timedelta(days=3 * n + 1)
        make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="used")
    for n in range(30):
        day = today + dt.timedelta(days=2 + n)
        make_booking(room, at(day, "18:00"), at(day, "20:00"), group=group)
    for n in range(12):
        start = timezone.now() + dt.timedelta(days=5 + n)
        event = EventFactory(
            capacity=2 if n % 3 == 0 else 50, start=start, end=start + dt.timedelta(hours=2)
        )
        if n % 3 == 0:
            RegistrationFactory.create_batch(2, event=event)
        event_services.registration_create(actor=representative, event=event)
        EventFactory(organiser=group, start=start, end=start + dt.timedelta(hours=2))
    attended = EventFactory(
        start=timezone.now() - dt.timedelta(days=3), end=timezone.now() - dt.timedelta(days=3)
    )
    RegistrationFactory(event=attended, user=representative, attended=True)
    for audience in Survey.Audience:
        SurveyFactory(audience=audience, event=attended)
    many, html = reads(client)
    assert many == few <= MY_PAGE_QUERIES
    # Every kind of survey is for them: an account, a member and representative, an attendee.
    assert html.count("参加者アンケート") == len(Survey.Audience)
    waiting = Registration.objects.filter(user=representative, status="waitlisted").count()
    assert waiting == 4 and html.count("キャンセル待ちの1番目") == waiting
