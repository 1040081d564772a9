"""A person's place in the queue is the same number wherever they read it: on the event's page,
on a guest's own page and in the e-mail, counted by one rule (events.selectors) — people still
waiting ahead of them, plus one; places given up leave no gap."""

import pytest
from django.core import mail
from django.urls import reverse

from events import emails, selectors, tokens
from events.models import Registration
from tests.events.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

WAITLISTED = Registration.Status.WAITLISTED


@pytest.fixture
def queue(event, citizen):
    """A full event; the queue's positions have gaps where people gave up their place."""
    RegistrationFactory(event=event, people=10)
    first = RegistrationFactory(event=event, status=WAITLISTED, waitlist_position=1)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED, waitlist_position=None)
    member = RegistrationFactory(
        event=event,
        user=citizen,
        guest_name="",
        guest_email="",
        status=WAITLISTED,
        waitlist_position=3,
    )
    guest = RegistrationFactory(event=event, status=WAITLISTED, waitlist_position=6)
    return first, member, guest


def test_the_rank_counts_the_people_still_waiting_ahead(queue):
    assert [selectors.waitlist_rank(r) for r in queue] == [1, 2, 3]
    ranked = selectors.with_waitlist_rank(Registration.objects.filter(status=WAITLISTED))
    assert sorted(ranked.values_list("rank", flat=True)) == [1, 2, 3]


def test_a_confirmed_registration_has_no_rank(event):
    confirmed = RegistrationFactory(event=event)
    assert selectors.waitlist_rank(confirmed) is None


def test_the_event_page_the_guest_page_and_the_mail_agree(client_for, client, queue):
    _first, member, guest = queue
    page = client_for("citizen").get(reverse("events:detail", args=[member.event.slug]))
    assert "キャンセル待ちの2番目です。" in page.content.decode()

    url = reverse("events:guest_manage", args=[tokens.guest_manage_token(guest)])
    assert "キャンセル待ちの3番目" in client.get(url).content.decode()

    emails.registration_status(guest.pk)
    assert "キャンセル待ち（3番目）" in mail.outbox[-1].body
