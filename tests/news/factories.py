"""Factories of the publishing apps (news, newsletter, bulletin), shared by their tests."""

import datetime as dt

import factory
from django.utils import timezone

from bulletin.models import BulletinPost, Category
from news.models import NewsPost, Opinion, ProgrammeEpisode
from newsletter.models import NewsletterIssue, Subscriber
from tests.factories import GroupFactory


class NewsPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsPost

    title = factory.Sequence(lambda n: f"お知らせ{n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    body = "協働オフィスからの**お知らせ**です。"
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeEpisode

    air_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    title = factory.Sequence(lambda n: f"まちづくり通信 第{n}回")
    summary = "市民活動団体の活動を紹介します。"
    video_url = "https://video.example.jp/watch/1"


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    topic = Opinion.Topic.FACILITIES
    message = "会議室の予約をもっと先まで取れるようにしてほしいです。"


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    number = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"情報紙 {n}")
    status = NewsletterIssue.Status.PUBLISHED
    published_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    body = "## 今月の特集\n\n市民活動の**いま**をお届けします。"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    confirmed_at = factory.LazyFunction(timezone.now)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinPost

    group = factory.SubFactory(GroupFactory)
    category = Category.OTHER
    title = factory.Sequence(lambda n: f"掲示板のお知らせ{n}")
    body = "どなたでもご参加ください。"
    contact = "info@example.org"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    status = BulletinPost.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
