"""Factories for the events tests."""

import datetime as dt

import factory
from django.utils import timezone

from events.models import Event, Question, Registration, RegistrationQuestion, Survey


def at(days: int, hour: int = 14, minute: int = 0) -> dt.datetime:
    """An aware datetime ``days`` from today at hour:minute, Asia/Tokyo."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"登録団体情報交換会 第{n}回")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.EXCHANGE
    status = Event.Status.PUBLISHED
    start = factory.LazyFunction(lambda: at(7))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    venue = "市民活動センター 2階 会議室"
    summary = "登録団体どうしの情報交換と交流の場です。"
    capacity = 20


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    guest_name = factory.Sequence(lambda n: f"参加者 {n}")
    guest_email = factory.Sequence(lambda n: f"guest{n}@example.net")
    people = 1
    status = Registration.Status.CONFIRMED


class RegistrationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationQuestion

    event = factory.SubFactory(EventFactory)
    text = "懇親会に参加しますか"
    kind = RegistrationQuestion.Kind.YES_NO


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"参加者アンケート {n}")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    status = Survey.Status.OPEN
    audience = Survey.Audience.ACCOUNTS


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"質問 {n}")
    kind = Question.Kind.RATING
    required = True
    order = factory.Sequence(int)
