"""Organisers run their own events (issue 15 part 2): the members of the organising group see
their event's registrants, the waiting list, the door list (print and CSV), record attendance and
walk-ins and write to the registrants; never another event's people; accessibility needs
(配慮事項) only where the registrant agreed to share them, always for the office staff."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Event, Registration, RegistrationAnswer
from groups.models import Group
from newsletter.models import OfficeMessage, OfficeMessageDelivery
from newsletter.sending import deliver_message
from pages.models import OfficeDetails
from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationQuestionFactory,
    at,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]

NEEDS = "車いすで参加します（段差のない席を希望）"
SECRET_NEEDS = "手話通訳をお願いします"


@pytest.fixture
def ours(group):
    """Today's event organised by the member's group, with a social question and an
    accessibility-needs question."""
    event = EventFactory(
        slug="ours",
        title="子ども食堂の見学会",
        organiser=group,
        capacity=4,
        start=at(0, 14),
        allow_guests=True,
    )
    social = RegistrationQuestionFactory(event=event, text="懇親会に参加しますか", order=1)
    care = RegistrationQuestionFactory(
        event=event,
        text="配慮が必要なこと",
        kind="text",
        is_accessibility=True,
        order=2,
    )
    event.q_social, event.q_care = social, care
    return event


def register(event, *, name, email, people=1, share=False, needs="", social="yes", **extra):
    registration = RegistrationFactory(
        event=event,
        guest_name=name,
        guest_email=email,
        people=people,
        share_needs_with_organiser=share,
        **extra,
    )
    RegistrationAnswer.objects.create(
        registration=registration, question=event.q_social, value=social
    )
    if needs:
        RegistrationAnswer.objects.create(
            registration=registration, question=event.q_care, value=needs
        )
    return registration


@pytest.fixture
def people(ours):
    return {
        "shares": register(
            ours, name="山田 花子", email="hanako@example.net", share=True, needs=NEEDS
        ),
        "keeps": register(ours, name="佐藤 一郎", email="ichiro@example.net", needs=SECRET_NEEDS),
        "waits": register(
            ours,
            name="鈴木 待子",
            email="machiko@example.net",
            status=Registration.Status.WAITLISTED,
            waitlist_position=1,
        ),
    }


# --- Who sees what


def test_an_organiser_sees_registrants_and_the_waiting_list_without_addresses(
    client_for, ours, people
):
    page = client_for("member").get(reverse("events:registrants", args=[ours.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("山田 花子", "佐藤 一郎", "鈴木 待子", "懇親会に参加しますか"):
        assert name in html
    assert "hanako@example.net" not in html and "machiko@example.net" not in html


def test_needs_are_shown_to_the_organisers_only_with_consent(client_for, ours, people):
    client = client_for("member")
    for name in ("events:registrants", "events:door_list", "events:attendance"):
        html = client.get(reverse(name, args=[ours.slug])).content.decode()
        assert NEEDS in html, name
        assert SECRET_NEEDS not in html, name


def test_staff_always_see_needs_and_addresses(client_for, ours, people):
    client = client_for("staff")
    html = client.get(reverse("events:registrants", args=[ours.slug])).content.decode()
    assert NEEDS in html and SECRET_NEEDS in html and "ichiro@example.net" in html
    html = client.get(reverse("events:door_list", args=[ours.slug])).content.decode()
    assert NEEDS in html and SECRET_NEEDS in html


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_organisers_csv_has_no_addresses_and_only_shared_needs(client_for, ours, people):
    rows = read_csv(client_for("member").get(reverse("events:door_list_csv", args=[ours.slug])))
    flat = "\n".join(",".join(row) for row in rows)
    assert "山田 花子" in flat and "佐藤 一郎" in flat
    assert NEEDS in flat and SECRET_NEEDS not in flat
    assert "@example.net" not in flat
    staff_rows = read_csv(
        client_for("staff").get(reverse("events:door_list_csv", args=[ours.slug]))
    )
    staff_flat = "\n".join(",".join(row) for row in staff_rows)
    assert SECRET_NEEDS in staff_flat and "ichiro@example.net" in staff_flat
    assert len(staff_rows[0]) == len(rows[0]) + 1  # the e-mail column


def test_a_member_of_a_suspended_group_no_longer_runs_its_event(client_for, ours, group):
    Group.objects.filter(pk=group.pk).update(status=Group.Status.SUSPENDED)
    response = client_for("member").get(reverse("events:manage", args=[ours.slug]))
    assert response.status_code == 403


def test_an_office_event_stays_with_the_staff(client_for, member):
    office_event = EventFactory(slug="office", start=at(0, 14))
    for name in ("events:manage", "events:registrants", "events:door_list"):
        assert client_for("member").get(reverse(name, args=[office_event.slug])).status_code == 403


# --- The consent, when registering


def test_the_consent_box_is_offered_unticked_and_recorded(client_for, ours, citizen):
    client = client_for("citizen")
    html = client.get(ours.get_absolute_url()).content.decode()
    assert 'name="share_needs"' in html
    assert 'name="share_needs" checked' not in html
    client.post(
        reverse("events:register", args=[ours.slug]),
        {"people": 1, f"q_{ours.q_care.pk}": "杖を使っています"},
    )
    registration = Registration.objects.get(event=ours, user=citizen)
    assert registration.share_needs_with_organiser is False

    other = UserFactory(email="other-citizen@example.org")
    client.force_login(other)
    client.post(
        reverse("events:register", args=[ours.slug]),
        {"people": 1, f"q_{ours.q_care.pk}": "杖を使っています", "share_needs": "on"},
    )
    assert Registration.objects.get(event=ours, user=other).share_needs_with_organiser is True


def test_no_consent_box_for_an_office_event_or_without_a_needs_question(client_for, group):
    office_event = EventFactory(slug="office", start=at(0, 14))
    RegistrationQuestionFactory(event=office_event, kind="text", is_accessibility=True)
    plain = EventFactory(slug="plain", start=at(0, 14), organiser=group)
    RegistrationQuestionFactory(event=plain)
    client = client_for("citizen")
    assert 'name="share_needs"' not in client.get(office_event.get_absolute_url()).content.decode()
    assert 'name="share_needs"' not in client.get(plain.get_absolute_url()).content.decode()


def test_a_guest_may_agree_too(client, ours):
    client.post(
        reverse("events:register_guest", args=[ours.slug]),
        {
            "name": "田中 ゲスト",
            "email": "tanaka@example.net",
            "people": 1,
            f"q_{ours.q_care.pk}": "補聴器",
            "share_needs": "on",
        },
    )
    assert Registration.objects.get(guest_email="tanaka@example.net").share_needs_with_organiser


# --- Attendance at the door, and crafted POSTs


def test_an_organiser_records_attendance_and_a_walk_in(client_for, ours, people, member):
    client = client_for("member")
    shares, keeps = people["shares"], people["keeps"]
    response = client.post(
        reverse("events:attendance", args=[ours.slug]),
        {
            f"came_{shares.pk}": "yes",
            f"people_{shares.pk}": "1",
            f"seen_{shares.pk}": "-1",
            f"came_{keeps.pk}": "no",
            f"people_{keeps.pk}": "",
            f"seen_{keeps.pk}": "-1",
        },
    )
    assert response.status_code == 302
    shares.refresh_from_db()
    keeps.refresh_from_db()
    assert shares.attended and shares.attended_people == 1
    assert not keeps.attended and keeps.attendance_recorded_at is not None
    response = client.post(reverse("events:walk_in", args=[ours.slug]), {"people": 2})
    assert response.status_code == 302
    assert ours.registrations.filter(is_walk_in=True, attended_people=2).exists()


def test_a_crafted_post_for_another_event_is_refused_and_changes_nothing(
    client_for, ours, other_group
):
    theirs = EventFactory(slug="theirs", organiser=other_group, start=at(0, 14))
    stranger = RegistrationFactory(event=theirs, guest_name="他団体の参加者")
    client = client_for("member")
    response = client.post(
        reverse("events:attendance", args=[theirs.slug]),
        {f"came_{stranger.pk}": "yes", f"people_{stranger.pk}": "1", f"seen_{stranger.pk}": "-1"},
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("events:walk_in", args=[theirs.slug]), {"people": 1}).status_code == 403
    )
    assert (
        client.post(reverse("events:attendance", args=[theirs.slug]), {"mark_all": "1"}).status_code
        == 403
    )
    response = client.post(
        reverse("newsletter:event_message", args=[theirs.slug]),
        {"statuses": ["confirmed"], "subject": "件名", "body": "本文", "send": "1"},
    )
    assert response.status_code == 403
    # Their registrant's id slipped into our own event's form is not theirs to mark either.
    client.post(
        reverse("events:attendance", args=[ours.slug]),
        {f"came_{stranger.pk}": "yes", f"people_{stranger.pk}": "1", f"seen_{stranger.pk}": "-1"},
    )
    stranger.refresh_from_db()
    assert not stranger.attended and stranger.attendance_recorded_at is None
    assert not theirs.registrations.filter(is_walk_in=True).exists()
    assert not OfficeMessage.objects.exists()


# --- Writing to the registrants


@pytest.fixture
def office(settings):
    details = OfficeDetails.load()
    details.email = "office@kyodo.example.jp"
    details.save()
    return details


def test_an_organiser_previews_then_writes_to_the_registrants_with_a_copy_to_the_office(
    client_for, ours, people, member, office, django_capture_on_commit_callbacks
):
    client = client_for("member")
    url = reverse("newsletter:event_message", args=[ours.slug])
    data = {
        "statuses": ["confirmed"],
        "subject": "当日の持ち物",
        "body": "**上履き**をお持ちください。",
    }
    preview = client.post(url, {**data, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "山田 花子" in html and "佐藤 一郎" in html and "鈴木 待子" not in html
    assert 'name="send"' in html
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {**data, "send": "1"})
    assert response.status_code == 302
    message = OfficeMessage.objects.get()
    assert message.event == ours and message.copy_to_office and message.created_by == member
    assert message.status == OfficeMessage.Status.SENDING
    mail.outbox.clear()
    deliver_message(message_id=message.pk)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["hanako@example.net", "ichiro@example.net", "office@kyodo.example.jp"]
    assert OfficeMessageDelivery.objects.filter(office_message=message).count() == 3
    history = client.get(url).content.decode()
    assert "当日の持ち物" in history


def test_a_message_to_the_registrants_of_a_cancelled_event_is_possible(
    client_for, ours, people, staff, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=staff, event=ours, reason="台風のため")
    ours.refresh_from_db()
    assert ours.status == Event.Status.CANCELLED
    client = client_for("member")
    page = client.get(reverse("events:manage", args=[ours.slug]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("newsletter:event_message", args=[ours.slug]),
            {
                "statuses": ["confirmed"],
                "subject": "延期のお知らせ",
                "body": "改めてご案内します。",
                "send": "1",
            },
        )
    assert response.status_code == 302
    message = OfficeMessage.objects.get()
    emails = set(
        OfficeMessageDelivery.objects.filter(office_message=message).values_list("email", flat=True)
    )
    assert {"hanako@example.net", "ichiro@example.net", "office@kyodo.example.jp"} <= emails


def test_an_empty_choice_of_recipients_cannot_be_sent(client_for, ours, office):
    response = client_for("member").post(
        reverse("newsletter:event_message", args=[ours.slug]),
        {"statuses": ["attended"], "subject": "件名", "body": "本文", "send": "1"},
    )
    assert response.status_code == 200
    assert not OfficeMessage.objects.exists()


# --- Where organisers find their event


def test_the_event_page_and_my_page_link_the_organisers_page(client_for, ours, people):
    hub = reverse("events:manage", args=[ours.slug])
    assert hub in client_for("member").get(ours.get_absolute_url()).content.decode()
    assert hub in client_for("member").get(reverse("my_account")).content.decode()
    assert hub not in client_for("other_member").get(ours.get_absolute_url()).content.decode()
    assert hub not in client_for("citizen").get(reverse("my_account")).content.decode()


# --- Queries: the same whatever the number of registrants


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name",
    [
        "events:manage",
        "events:registrants",
        "events:door_list",
        "events:door_list_csv",
        "events:attendance",
        "newsletter:event_message",
    ],
)
def test_organiser_pages_cost_the_same_queries_however_many_registrants(
    client_for, ours, people, name
):
    client = client_for("member")
    url = reverse(name, args=[ours.slug])
    client.get(url)  # warm-up (sessions, caches)
    few = queries(client, url)
    for n in range(12):
        register(
            ours,
            name=f"参加者 {n}",
            email=f"p{n}@example.net",
            share=n % 2 == 0,
            needs="配慮" if n % 3 == 0 else "",
            status=Registration.Status.CONFIRMED if n < 8 else Registration.Status.WAITLISTED,
            waitlist_position=n if n >= 8 else None,
        )
    assert queries(client, url) == few


def test_the_office_sees_and_stops_an_organisers_message(
    client_for, ours, people, member, staff, office, django_capture_on_commit_callbacks
):
    from newsletter import services as newsletter_services

    with django_capture_on_commit_callbacks(execute=False):
        client_for("member").post(
            reverse("newsletter:event_message", args=[ours.slug]),
            {"statuses": ["confirmed"], "subject": "勧誘のお知らせ", "body": "本文", "send": "1"},
        )
    message = OfficeMessage.objects.get()
    listing = client_for("staff").get(reverse("admin:newsletter_officemessage_changelist"))
    assert "勧誘のお知らせ" in listing.content.decode()
    stopped = newsletter_services.office_message_stop(actor=staff, message=message)
    assert stopped == 3  # two registrants and the office's copy, none sent yet
    mail.outbox.clear()
    deliver_message(message_id=message.pk)
    assert mail.outbox == []
    page = client_for("member").get(reverse("newsletter:event_message", args=[ours.slug]))
    assert "オフィスが停止：3件" in page.content.decode()
