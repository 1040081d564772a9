"""Registering for an event: the rules people meet on the event page."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration, RegistrationAnswer, RegistrationQuestion
from tests.events.factories import (
    EventFactory,
    RegistrationFactory,
    RegistrationQuestionFactory,
    at,
)
from tests.factories import UserFactory

S = Registration.Status
pytestmark = pytest.mark.django_db


def register(client, event, **data):
    payload = {"people": 1, **data}
    return client.post(reverse("events:register", args=[event.slug]), payload, follow=True)


def test_event_page_shows_places_left_and_a_register_button(client_for, event):
    RegistrationFactory(event=event, people=3)
    page = client_for("citizen").get(event.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "残り7席" in text
    assert "申し込む" in text


def test_citizen_registers_and_gets_a_confirmation_with_the_ics(client_for, citizen, event, commit):
    with commit():
        page = register(client_for("citizen"), event, people=2)
    registration = Registration.objects.get(event=event, user=citizen)
    assert registration.status == S.CONFIRMED and registration.people == 2
    assert "申し込みが完了しました" in page.content.decode()
    assert "残り8席" in page.content.decode()
    (message,) = mail.outbox
    assert message.to == [citizen.email]
    assert "申し込み完了" in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == "event.ics" and mimetype == "text/calendar"
    content = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in content and "登録団体情報交換会" in content


def test_registering_twice_is_refused_with_a_clear_message(client_for, citizen, event):
    client = client_for("citizen")
    register(client, event)
    page = register(client, event)
    assert "既にこのイベントに申し込んでいます" in page.content.decode()
    assert Registration.objects.filter(event=event, user=citizen).count() == 1


@pytest.mark.date_sensitive
def test_registration_closes_at_the_closing_time(client_for, citizen):
    event = EventFactory(registration_closes=timezone.now() - dt.timedelta(minutes=1))
    page = register(client_for("citizen"), event)
    assert "申し込みの受付は" in page.content.decode()
    assert "終了しました" in page.content.decode()
    assert not Registration.objects.exists()


def test_a_past_event_takes_no_registration(client_for):
    event = EventFactory(start=at(-3), end=at(-3, 16))
    page = register(client_for("citizen"), event)
    assert "このイベントは終了しました" in page.content.decode()
    assert not Registration.objects.exists()


def test_registration_not_yet_open(client_for):
    event = EventFactory(registration_opens=timezone.now() + dt.timedelta(days=1))
    page = register(client_for("citizen"), event)
    assert "申し込みの受付開始は" in page.content.decode()
    assert not Registration.objects.exists()


def test_more_people_than_places_left_is_refused_and_nothing_is_saved(client_for, event):
    RegistrationFactory(event=event, people=5)
    RegistrationFactory(event=event, people=3)
    question = RegistrationQuestionFactory(event=event)
    page = register(client_for("citizen"), event, people=4, **{f"q_{question.pk}": "on"})
    text = page.content.decode()
    assert "残りは2席です" in text
    assert Registration.objects.count() == 2
    assert not RegistrationAnswer.objects.exists()


def test_party_size_is_limited(client_for, event):
    page = register(client_for("citizen"), event, people=9)
    assert "一度に申し込めるのは5名までです" in page.content.decode()
    assert not Registration.objects.exists()


def test_people_must_be_a_positive_number(client_for, event):
    page = register(client_for("citizen"), event, people="abc")
    assert "人数を半角数字で入力してください" in page.content.decode()
    page = register(client_for("citizen"), event, people=0)
    assert "1名以上を入力してください" in page.content.decode()
    assert not Registration.objects.exists()


def test_when_full_people_join_the_waiting_list(client_for, citizen, event, commit):
    RegistrationFactory(event=event, people=10)
    with commit():
        page = register(client_for("citizen"), event)
    registration = Registration.objects.get(user=citizen)
    assert registration.status == S.WAITLISTED
    assert "キャンセル待ち" in page.content.decode()
    assert "キャンセル待ちの1番目" in page.content.decode()
    assert "キャンセル待ち" in mail.outbox[0].subject
    assert not mail.outbox[0].attachments


def test_a_full_event_without_waiting_list_refuses(client_for, event):
    event.waiting_list = False
    event.save()
    RegistrationFactory(event=event, people=10)
    page = register(client_for("citizen"), event)
    assert "満席です" in page.content.decode()
    assert Registration.objects.count() == 1


def test_registering_for_a_group_needs_membership(client_for, member, group, other_group, event):
    client = client_for("member")
    page = register(client, event, group=other_group.pk)
    assert "所属する団体から選んでください" in page.content.decode()
    assert not Registration.objects.filter(user=member).exists()
    register(client, event, group=group.pk)
    assert Registration.objects.get(user=member).group == group


def test_required_question_must_be_answered(client_for, citizen, event):
    question = RegistrationQuestionFactory(
        event=event,
        text="参加にあたり配慮が必要なこと",
        kind=RegistrationQuestion.Kind.TEXT,
        required=True,
    )
    page = register(client_for("citizen"), event)
    assert "この質問に回答してください" in page.content.decode()
    assert not Registration.objects.exists()
    register(client_for("citizen"), event, **{f"q_{question.pk}": "手話通訳を希望します"})
    answer = RegistrationAnswer.objects.get()
    assert answer.value == "手話通訳を希望します"
    assert answer.registration.user == citizen


def test_anonymous_visitor_is_asked_to_log_in(client, event):
    page = client.get(event.get_absolute_url())
    assert "ログイン" in page.content.decode()
    response = client.post(reverse("events:register", args=[event.slug]), {"people": 1})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Registration.objects.exists()


def test_cancel_moves_the_waiting_list_up_in_order_with_an_email(event, commit):
    RegistrationFactory(event=event, people=9)
    leaving = RegistrationFactory(event=event, people=1)
    early = UserFactory(email="early@example.org")
    late = UserFactory(email="late@example.org")
    services.registration_create(actor=early, event=event, people=1)
    services.registration_create(actor=late, event=event, people=1)
    assert Registration.objects.filter(status=S.WAITLISTED).count() == 2
    mail.outbox.clear()
    with commit():
        services.registration_cancel(actor=None, registration=leaving)
    assert Registration.objects.get(user=early).status == S.CONFIRMED
    assert Registration.objects.get(user=late).status == S.WAITLISTED
    assert [m.to for m in mail.outbox] == [["early@example.org"]]
    assert "キャンセル待ちから繰り上がりました" in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "event.ics"


def test_the_head_of_the_queue_is_not_overtaken(event):
    RegistrationFactory(event=event, people=9)
    one = RegistrationFactory(event=event, people=1)
    big = UserFactory()
    small = UserFactory()
    big_reg = services.registration_create(actor=big, event=event, people=3)
    small_reg = services.registration_create(actor=small, event=event, people=1)
    services.registration_cancel(actor=None, registration=one)
    big_reg.refresh_from_db()
    small_reg.refresh_from_db()
    assert big_reg.status == S.WAITLISTED
    assert small_reg.status == S.WAITLISTED


def test_user_cancels_on_the_event_page(client_for, citizen, event):
    client = client_for("citizen")
    register(client, event)
    page = client.post(reverse("events:cancel", args=[event.slug]), follow=True)
    assert "申し込みを取り消しました" in page.content.decode()
    assert Registration.objects.get(user=citizen).status == S.CANCELLED
    # and may register again
    register(client, event)
    assert Registration.objects.filter(user=citizen, status=S.CONFIRMED).count() == 1


@pytest.mark.date_sensitive
def test_cancelling_after_the_start_is_refused(citizen):
    event = EventFactory(start=timezone.now() - dt.timedelta(minutes=10), end=at(1))
    registration = RegistrationFactory(event=event, user=citizen, guest_name="", guest_email="")
    with pytest.raises(services.RegistrationError):
        services.registration_cancel(actor=citizen, registration=registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_cancelled_and_unpublished_events_take_no_registration(citizen):
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    draft = EventFactory(status=Event.Status.DRAFT)
    with pytest.raises(services.RegistrationError, match="中止"):
        services.registration_create(actor=citizen, event=cancelled)
    with pytest.raises(services.RegistrationError):
        services.registration_create(actor=citizen, event=draft)
    assert not Registration.objects.exists()


def test_more_capacity_in_the_admin_moves_the_waiting_list_up(staff, event):
    RegistrationFactory(event=event, people=10)
    waiting = services.registration_create(actor=UserFactory(), event=event)
    assert waiting.status == S.WAITLISTED
    event.capacity = 12
    event.save()
    services.event_after_edit(actor=staff, event=event)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
