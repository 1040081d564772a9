"""Known data for the reports' tests, made through the other apps' real models.

Each helper makes exactly the row it names, with aware Asia/Tokyo datetimes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from tests.factories import GroupFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
_seq = itertools.count(1)


def tokyo(*args) -> dt.datetime:
    """tokyo(2026, 3, 31, 23, 30) → an aware datetime in Japan time."""
    return dt.datetime(*args, tzinfo=TOKYO)


def registered_group(registered_on, withdrawn_on=None, **kwargs):
    from groups.models import Group

    status = Group.Status.WITHDRAWN if withdrawn_on else Group.Status.REGISTERED
    return GroupFactory(
        registered_on=registered_on,
        applied_on=registered_on - dt.timedelta(days=10),
        withdrawn_on=withdrawn_on,
        status=kwargs.pop("status", status),
        **kwargs,
    )


def consultation(held_on, channel="visit", category="founding", group=None):
    from groups.models import Consultation

    return Consultation.objects.create(
        held_on=held_on,
        channel=channel,
        category=category,
        group=group,
        person_name="" if group else "相談者",
        summary="団体の立ち上げについて",
    )


def room(name=None, capacity=12):
    from facilities.models import Room

    n = next(_seq)
    return Room.objects.create(
        name=name or f"会議室{n}", slug=f"room-{n}", capacity=capacity, order=n
    )


def booking(room, start, end, status="used", headcount=None, kind="group", group=None):
    from facilities.models import Booking

    return Booking.objects.create(
        room=room,
        group=group,
        start=start,
        end=end,
        period=Booking.period_for(start, end, 0),
        status=status,
        kind=kind,
        purpose="定例会議",
        actual_headcount=headcount,
    )


def equipment_loan(booking, quantity=1, name=None):
    from facilities.models import BookingEquipment, Equipment

    equipment = Equipment.objects.create(name=name or f"プロジェクター{next(_seq)}", quantity=5)
    return BookingEquipment.objects.create(booking=booking, equipment=equipment, quantity=quantity)


def walk_ins(day, count):
    from facilities.models import WalkInCount

    return WalkInCount.objects.create(date=day, count=count)


def event(start, kind="exchange", status="published", hours=2):
    from events.models import Event

    return Event.objects.create(
        title=f"登録団体情報交換会 {next(_seq)}",
        kind=kind,
        status=status,
        start=start,
        end=start + dt.timedelta(hours=hours),
        capacity=60,
    )


def attendance(event, people, attended_people=None, attended=True, group=None):
    """A registration of ``people`` of whom ``attended_people`` came (all, by default)."""
    from events.models import Registration

    came = people if attended_people is None else attended_people
    return Registration.objects.create(
        event=event,
        user=UserFactory(),
        group=group,
        people=people,
        status="confirmed",
        attended=attended,
        attended_people=came if attended else 0,
    )


def survey_response(submitted_at, survey=None):
    from events.models import Response, Survey

    survey = survey or Survey.objects.create(
        title="利用者アンケート", slug=f"survey-{next(_seq)}", status="open", audience="accounts"
    )
    return Response.objects.create(survey=survey, user=UserFactory(), submitted_at=submitted_at)


def issue(published_on, status="published"):
    from newsletter.models import NewsletterIssue

    n = next(_seq)
    return NewsletterIssue.objects.create(
        number=n,
        title=f"協働オフィス通信 第{n}号",
        status=status,
        published_on=published_on,
        body="今号の特集",
    )


def subscriber(confirmed_at, unsubscribed_at=None, bounced_at=None):
    from newsletter.models import Subscriber

    return Subscriber.objects.create(
        email=f"reader{next(_seq)}@example.jp",
        confirmed_at=confirmed_at,
        unsubscribed_at=unsubscribed_at,
        bounced_at=bounced_at,
    )


def post(published_at, status="published", category="members", group=None):
    from bulletin.models import BulletinPost

    group = group or GroupFactory()
    return BulletinPost.objects.create(
        group=group,
        category=category,
        title="会員募集",
        body="一緒に活動しませんか。",
        contact="info@example.jp",
        expires_on=(published_at or tokyo(2030, 1, 1)).date() + dt.timedelta(days=30),
        status=status,
        published_at=published_at,
    )


def page_views(day, views, section="home"):
    from reports.models import PageViewCounter

    return PageViewCounter.objects.create(day=day, section=section, views=views)
