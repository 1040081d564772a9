"""One person, one place: registering with an account and as a guest with the same e-mail
address (in any letter case) does not give anyone a second place or a second lottery entry."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory, at

S = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_event(db):
    return EventFactory(slug="open-day", title="市民活動入門講座", allow_guests=True, capacity=5)


@pytest.fixture
def open_lottery(db):
    return EventFactory(
        slug="kids-workshop",
        title="親子で楽しむ環境ワークショップ",
        kind=Event.Kind.WORKSHOP,
        allow_guests=True,
        mode=Event.Mode.LOTTERY,
        capacity=4,
        draw_at=timezone.now() + dt.timedelta(days=2),
        start=at(10),
        end=at(10, 16),
    )


def guest_post(client, event, email, name="市民 花子"):
    payload = {"name": name, "email": email, "people": 1}
    return client.post(reverse("events:register_guest", args=[event.slug]), payload)


def register(client, event):
    return client.post(reverse("events:register", args=[event.slug]), {"people": 1}, follow=True)


def test_someone_registered_with_their_account_cannot_also_register_as_a_guest(
    client, client_for, citizen, open_event
):
    register(client_for("citizen"), open_event)
    page = guest_post(client, open_event, email="Citizen@Example.org")
    assert "既にこのイベントに申し込んでいます" in page.content.decode()
    assert Registration.objects.get().user == citizen
    assert open_event.places_left() == 4


def test_a_guest_cannot_take_a_second_place_by_signing_in(client, client_for, citizen, open_event):
    guest_post(client, open_event, email="CITIZEN@example.org")
    page = register(client_for("citizen"), open_event)
    assert "このメールアドレスでの申し込みが確認待ちです" in page.content.decode()
    held = Registration.objects.get()
    assert held.user is None and held.status == S.PENDING_GUEST
    # Confirmed or not, the guest registration is the person's one place.
    services.registration_confirm_guest(registration=held)
    page = register(client_for("citizen"), open_event)
    assert "既にこのイベントに申し込んでいます" in page.content.decode()
    assert Registration.objects.count() == 1


def test_one_lottery_entry_per_person_whichever_way_they_apply(
    client, client_for, citizen, open_lottery
):
    register(client_for("citizen"), open_lottery)
    page = guest_post(client, open_lottery, email="citizen@EXAMPLE.org")
    assert "既にこのイベントの抽選に申し込んでいます" in page.content.decode()
    assert list(Registration.objects.values_list("status", flat=True)) == [S.LOTTERY_APPLIED]


def test_a_pending_guest_who_meanwhile_registered_with_their_account_is_not_confirmed_twice(
    client, client_for, citizen, open_event, commit
):
    with commit():
        guest_post(client, open_event, email="hanako@example.net")
    held = Registration.objects.get(user__isnull=True)
    link = re.search(r"/events/guest/\S+/confirm/", mail.outbox[0].body).group(0)
    register(client_for("citizen"), open_event)
    # The person then gives their account the address they registered with as a guest.
    citizen.email = "hanako@example.net"
    citizen.save(update_fields=["email"])
    page = client.post(link, follow=True)
    assert "既にこのイベントに申し込んでいます" in page.content.decode()
    held.refresh_from_db()
    assert held.status == S.CANCELLED  # its held place is released
    assert Registration.objects.get(status__in=Registration.LIVE).user == citizen
    assert open_event.places_left() == 4
