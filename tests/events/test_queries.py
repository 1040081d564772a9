"""Pages do a small, fixed number of queries however much data there is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events import selectors, services
from events.models import Event, Question, Registration, RegistrationQuestion, Survey
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    RegistrationQuestionFactory,
    SurveyFactory,
    at,
)
from tests.factories import GroupFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]


def many_events(n, **kwargs):
    groups = [GroupFactory() for _ in range(4)]
    events = []
    for i in range(n):
        event = EventFactory(
            organiser=groups[i % 4] if i % 2 else None,
            start=at(i - n // 2, 10),
            end=at(i - n // 2, 12),
            **kwargs,
        )
        RegistrationFactory.create_batch(3, event=event, group=groups[i % 4])
        events.append(event)
    return events


@pytest.fixture
def big_event(db):
    event = EventFactory(slug="big", capacity=200, start=at(0, 14))
    social = RegistrationQuestionFactory(event=event, text="懇親会")
    care = RegistrationQuestionFactory(
        event=event, text="配慮事項", kind=RegistrationQuestion.Kind.TEXT
    )
    groups = [GroupFactory() for _ in range(5)]
    for i in range(40):
        services.registration_create(
            actor=UserFactory(),
            event=event,
            group=None,
            answers={social.pk: i % 2 == 0, care.pk: "車いす" if i % 7 == 0 else ""},
        )
    Registration.objects.filter(event=event).update(group=groups[0])
    services.walk_in_add(actor=None, event=event, people=3, group=groups[1])
    return event


def test_list_page(client, django_assert_max_num_queries):
    many_events(40)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("events:list")).status_code == 200
    month = timezone.localtime(Event.objects.order_by("start").first().start).strftime("%Y-%m")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("events:list"), {"month": month}).status_code == 200


def test_list_page_signed_in(client_for, django_assert_max_num_queries):
    many_events(40)
    client = client_for("member")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:list")).status_code == 200


def test_event_page(client_for, big_event, django_assert_max_num_queries):
    client = client_for("member")
    with django_assert_max_num_queries(10):
        assert client.get(big_event.get_absolute_url()).status_code == 200


def test_feed(client, django_assert_max_num_queries):
    many_events(40)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("events:feed")).status_code == 200


def test_door_list_and_csv(client_for, big_event, django_assert_max_num_queries):
    client = client_for("staff")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:door_list", args=[big_event.slug])).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:door_list_csv", args=[big_event.slug]))
        assert response.status_code == 200


def test_attendance_page(client_for, big_event, django_assert_max_num_queries):
    client = client_for("staff")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:attendance", args=[big_event.slug])).status_code == 200


def test_survey_results_and_csv(client_for, django_assert_max_num_queries):
    event = EventFactory(start=at(-2), end=at(-2, 16))
    survey = SurveyFactory(event=event, audience=Survey.Audience.ATTENDEES)
    rating = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    choice = QuestionFactory(
        survey=survey, kind=Question.Kind.MULTIPLE, options="A\nB\nC", required=False
    )
    text = QuestionFactory(survey=survey, kind=Question.Kind.LONG_TEXT, required=False)
    for i in range(30):
        user = UserFactory()
        RegistrationFactory(event=event, user=user, guest_name="", attended=True, attended_people=1)
        services.survey_submit(
            survey=survey,
            user=user,
            answers={rating.pk: i % 5 + 1, choice.pk: ["A", "C"][: i % 3], text.pk: f"意見{i}"},
        )
    client = client_for("staff")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("events:survey_results", args=[survey.slug])).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:survey_results_csv", args=[survey.slug]))
        assert response.status_code == 200


def test_account_panel(client_for, citizen, django_assert_max_num_queries):
    for event in many_events(20):
        if event.start > timezone.now():
            services.registration_create(actor=citizen, event=event)
    for _ in range(5):
        full = EventFactory(capacity=1)
        RegistrationFactory(event=full)
        services.registration_create(actor=citizen, event=full)
    SurveyFactory.create_batch(3, audience=Survey.Audience.ACCOUNTS)
    with django_assert_max_num_queries(5):
        panel = selectors.account_panel(citizen)
    assert len(panel["registrations"]) >= 9 and len(panel["waitlisted"]) == 5
    assert len(panel["surveys"]) == 3
    page = client_for("citizen").get(reverse("my_account"))
    assert page.status_code == 200
    assert page.content.decode().count("キャンセル待ちの1番目") == 5
