"""An event's page for a signed-in member reads as little with hundreds of registrations as with
none (issue #20): the event, its places taken and its waiting list come in one read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services
from events.models import Registration, RegistrationQuestion
from tests.events.factories import EventFactory, RegistrationFactory, RegistrationQuestionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The session and the user; the event with its places and waiting list, the member's
# registration with its rank, the header's roles (7 before issue #20).
REGISTERED_QUERIES = 5
# The same and the registration form's questions and the member's groups (whom they may come
# for), for a member not yet registered.
FORM_QUERIES = 7


def reads(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_a_member_on_the_waiting_list_of_a_crowded_event(client_for, member):
    event = EventFactory(capacity=3)
    RegistrationQuestionFactory(event=event, text="懇親会")
    RegistrationFactory.create_batch(3, event=event, people=1)
    services.registration_create(actor=member, event=event)  # the waiting list's first
    client = client_for("member")
    few, html = reads(client, event.get_absolute_url())
    assert "キャンセル待ちの1番目" in html
    for n in range(200):
        RegistrationFactory(
            event=event,
            status=Registration.Status.WAITLISTED if n % 2 else Registration.Status.CANCELLED,
            people=2,
            waitlist_position=1000 + n,
        )
    many, html = reads(client, event.get_absolute_url())
    assert many == few <= REGISTERED_QUERIES
    assert "キャンセル待ちの1番目" in html
    assert "キャンセル待ち201名" in html  # the member and 100 × 2 people waiting


def test_a_member_not_yet_registered_gets_the_form_with_its_questions(client_for, member):
    event = EventFactory(capacity=500)
    RegistrationQuestionFactory(event=event, text="懇親会に参加しますか")
    RegistrationQuestionFactory(
        event=event, text="配慮が必要なこと", kind=RegistrationQuestion.Kind.TEXT
    )
    for _ in range(150):
        services.registration_create(actor=UserFactory(), event=event)
    count, html = reads(client_for("member"), event.get_absolute_url())
    assert count <= FORM_QUERIES
    assert "懇親会に参加しますか" in html and "配慮が必要なこと" in html
