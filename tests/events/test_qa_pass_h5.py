"""QA pass (a guest, a group member and a representative at 390 px): what a registration
page says after undoing it, a guest opening the first mail's link again, and people counted
with their unit on the guest's and the organiser's pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from core.fiscal import TOKYO
from events import services, tokens
from events.models import Registration, Survey
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
    at,
)

S = Registration.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day", "ja")]


def text_of(response) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"\s+", " ", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def event(db):
    return EventFactory(
        slug="kengaku",
        title="活動見学会",
        allow_guests=True,
        capacity=2,
        guest_max_party_size=3,
        waiting_list=True,
        start=dt.datetime(2026, 12, 8, 10, 0, tzinfo=TOKYO),
        end=dt.datetime(2026, 12, 8, 11, 30, tzinfo=TOKYO),
    )


def _guest(event, *, people=2, email="hanako@example.net"):
    held = services.registration_create_guest(
        event=event, name="山田 花子", email=email, people=people
    )
    return held


def test_a_guests_cancelled_registration_does_not_read_as_a_cancelled_event(client, event):
    registration = services.registration_confirm_guest(registration=_guest(event))
    token = tokens.guest_manage_token(registration)
    client.post(reverse("events:guest_cancel", args=[token]))
    page = text_of(client.get(reverse("events:guest_manage", args=[token])))
    assert "取り消し済み" in page
    assert "中止" not in page  # 「中止」 is what an event called off is


def test_leaving_the_waiting_list_says_so(client_for, member, event):
    RegistrationFactory(event=event, people=2)
    RegistrationFactory(event=event, user=member, people=1, status=S.WAITLISTED)
    response = client_for("member").post(reverse("events:cancel", args=[event.slug]), follow=True)
    assert messages_of(response) == ["キャンセル待ちをやめました。"]


def test_a_guest_leaving_the_waiting_list_is_told_the_same(client, event):
    RegistrationFactory(event=event, people=2)
    registration = services.registration_confirm_guest(registration=_guest(event))
    assert registration.status == S.WAITLISTED
    token = tokens.guest_manage_token(registration)
    response = client.post(reverse("events:guest_cancel", args=[token]), follow=True)
    assert messages_of(response) == ["キャンセル待ちをやめました。"]


def test_cancelling_a_place_still_says_the_registration_was_cancelled(client_for, member, event):
    RegistrationFactory(event=event, user=member, people=1, status=S.CONFIRMED)
    response = client_for("member").post(reverse("events:cancel", args=[event.slug]), follow=True)
    assert messages_of(response) == ["申し込みを取り消しました。"]


def test_the_confirm_link_opened_again_leads_to_the_guests_own_page(client, event):
    """The first mail's link is the one a guest keeps: opened after confirming, it goes on to
    the registration's page (status, cancel) instead of a page with nothing to do."""
    held = _guest(event, people=1)
    confirm_url = reverse("events:guest_confirm", args=[tokens.guest_confirm_token(held)])
    client.post(confirm_url)
    response = client.get(confirm_url)
    registration = Registration.objects.get(pk=held.pk)
    assert response.status_code == 302
    assert response.url == reverse(
        "events:guest_manage", args=[tokens.guest_manage_token(registration)]
    )
    page = client.get(response.url)
    assert "この申し込みは確定済みです。" in messages_of(page)
    assert "申し込みを取り消す" in text_of(page)


def test_the_confirm_link_of_a_cancelled_registration_still_explains(client, event):
    held = _guest(event, people=1)
    confirm_url = reverse("events:guest_confirm", args=[tokens.guest_confirm_token(held)])
    services.registration_cancel(actor=None, registration=held)
    response = client.get(confirm_url)
    assert response.status_code == 200
    assert "この申し込みは無効になっています" in text_of(response)


def test_the_confirm_page_counts_people_with_their_unit(client, event):
    held = _guest(event, people=2)
    url = reverse("events:guest_confirm", args=[tokens.guest_confirm_token(held)])
    assert "<dd>2名</dd>" in client.get(url).content.decode()


def test_the_registrants_and_attendance_pages_count_people_with_their_unit(client_for):
    event = EventFactory(slug="roster", title="見学会", capacity=10, start=at(0, 14), end=at(0, 16))
    RegistrationFactory(event=event, people=3, status=S.CONFIRMED)
    staff = client_for("staff")
    for name in ("events:registrants", "events:attendance"):
        html = staff.get(reverse(name, args=[event.slug])).content.decode()
        assert re.search(r">3名</(dd|td)>", html), name


def test_the_survey_page_says_until_when_it_takes_answers(client_for):
    """My Page lists the survey with its closing time; the survey's own page says it too."""
    survey = SurveyFactory(slug="groups", audience=Survey.Audience.ACCOUNTS, closes_at=at(36, 17))
    QuestionFactory(survey=survey)
    page = text_of(client_for("member").get(reverse("events:survey", args=[survey.slug])))
    assert "回答期限は2027年1月6日(水) 17:00です。" in page
