"""Lottery events: applications until the draw, a fair recorded draw, everyone told."""

import datetime as dt
import io
import random
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory, at
from tests.factories import UserFactory

S = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def lottery(db):
    return EventFactory(
        slug="kids-workshop",
        title="親子で楽しむ環境ワークショップ",
        kind=Event.Kind.WORKSHOP,
        mode=Event.Mode.LOTTERY,
        capacity=4,
        draw_at=timezone.now() + dt.timedelta(days=2),
        start=at(10),
        end=at(10, 16),
    )


def apply(event, n, people=1):
    return [
        services.registration_create(actor=UserFactory(), event=event, people=people)
        for _ in range(n)
    ]


def test_applying_shows_the_lottery_and_is_not_first_come(client_for, citizen, lottery):
    client = client_for("citizen")
    page = client.get(lottery.get_absolute_url())
    assert "抽選に申し込む" in page.content.decode()
    page = client.post(reverse("events:register", args=[lottery.slug]), {"people": 1}, follow=True)
    assert "抽選の申し込みを受け付けました" in page.content.decode()
    assert Registration.objects.get(user=citizen).status == S.LOTTERY_APPLIED


def test_more_applicants_than_places_are_all_accepted_until_the_draw(lottery):
    applications = apply(lottery, 9)
    assert all(r.status == S.LOTTERY_APPLIED for r in applications)


def test_applications_close_at_the_draw_time(lottery):
    with pytest.raises(services.RegistrationError, match="抽選の申し込みは"):
        services.registration_create(
            actor=UserFactory(), event=lottery, now=lottery.draw_at + dt.timedelta(minutes=1)
        )


def test_the_draw_fills_the_places_waitlists_the_rest_and_tells_everyone(lottery, commit):
    applications = apply(lottery, 7)
    mail.outbox.clear()
    with commit():
        result = services.lottery_draw(
            actor=None, event=lottery, now=lottery.draw_at + dt.timedelta(minutes=1)
        )
    assert len(result.won) == 4 and len(result.waitlisted) == 3
    statuses = Counter(Registration.objects.values_list("status", flat=True))
    assert statuses == {S.CONFIRMED: 4, S.WAITLISTED: 3}
    lottery.refresh_from_db()
    assert lottery.drawn_at is not None and len(lottery.draw_seed) == 32
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in applications)
    won = [m for m in mail.outbox if "当選" in m.subject]
    assert len(won) == 4 and all(m.attachments for m in won)
    assert sum("キャンセル待ち" in m.subject for m in mail.outbox) == 3


def test_the_draw_is_reproducible_from_the_recorded_seed(lottery):
    applications = apply(lottery, 8)
    result = services.lottery_draw(actor=None, event=lottery, early=True, seed="abc123")
    expected = sorted(applications, key=lambda r: r.pk)
    random.Random("abc123").shuffle(expected)
    assert [r.pk for r in result.won] == [r.pk for r in expected[:4]]
    # The waiting list keeps the drawn order.
    waiting = Registration.objects.filter(status=S.WAITLISTED).order_by("waitlist_position")
    assert [r.pk for r in waiting] == [r.pk for r in expected[4:]]


def test_the_draw_is_fair():
    """Over many seeds every applicant wins about equally often, whatever their id order."""
    applicants = list(range(8))
    wins = Counter()
    for n in range(2000):
        wins.update(services.draw_order(applicants, f"seed-{n}")[:4])
    # Each of 8 applicants wins half of 2000 draws (sd about 22): allow five sd.
    assert all(890 < wins[a] < 1110 for a in applicants)


def test_a_large_party_does_not_block_smaller_ones(lottery):
    big = services.registration_create(actor=UserFactory(), event=lottery, people=4)
    small = apply(lottery, 2)
    services.lottery_draw(actor=None, event=lottery, early=True, seed="1")
    big.refresh_from_db()
    confirmed = Registration.objects.filter(status=S.CONFIRMED)
    assert sum(r.people for r in confirmed) <= 4
    assert big.status in (S.CONFIRMED, S.WAITLISTED)
    assert len(small) == 2


def test_without_a_waiting_list_the_others_lose(lottery, commit):
    lottery.waiting_list = False
    lottery.save()
    apply(lottery, 6)
    with commit():
        services.lottery_draw(actor=None, event=lottery, early=True)
    assert Registration.objects.filter(status=S.LOTTERY_LOST).count() == 2
    assert sum("抽選結果" in m.subject for m in mail.outbox) == 6


def test_the_draw_happens_only_once_and_not_before_time(lottery):
    apply(lottery, 2)
    with pytest.raises(services.EventError, match="まだ抽選日時"):
        services.lottery_draw(actor=None, event=lottery)
    services.lottery_draw(actor=None, event=lottery, early=True)
    with pytest.raises(services.EventError, match="実施済み"):
        services.lottery_draw(actor=None, event=lottery, early=True)


def test_the_command_draws_due_lotteries(lottery):
    apply(lottery, 5)
    Event.objects.filter(pk=lottery.pk).update(draw_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("events_lotteries_draw", stdout=io.StringIO())
    assert Registration.objects.filter(status=S.CONFIRMED).count() == 4


def test_after_the_draw_free_places_are_first_come(lottery):
    apply(lottery, 2)
    services.lottery_draw(actor=None, event=lottery, early=True)
    late = services.registration_create(actor=UserFactory(), event=lottery)
    assert late.status == S.CONFIRMED


def test_unconfirmed_guest_applications_are_not_drawn(lottery):
    lottery.allow_guests = True
    lottery.save()
    guest = services.registration_create_guest(event=lottery, name="高橋", email="t@example.net")
    assert guest.status_on_confirm == S.LOTTERY_APPLIED
    apply(lottery, 1)
    services.lottery_draw(actor=None, event=lottery, early=True)
    guest.refresh_from_db()
    assert guest.status == S.CANCELLED


def test_staff_draw_from_the_admin(client_for, lottery):
    apply(lottery, 5)
    client_for("staff").post(
        reverse("admin:events_event_changelist"),
        {"action": "draw_lottery", "_selected_action": [lottery.pk]},
    )
    assert Registration.objects.filter(status=S.CONFIRMED).count() == 4
