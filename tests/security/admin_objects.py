"""One object of any model registered in the admin, for the tests that walk the admin
(tests/security/test_admin_through_services.py) and the permission matrix's admin decisions:
made the way the product makes them where it matters (a group application applied for, a
booking requested through the service), the plain fields filled in otherwise."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from accounts.roles import make_staff
from tests.factories import GroupFactory, UserFactory

_seq = itertools.count(1)


def _group():
    return GroupFactory()


def _staff():
    user = UserFactory()
    make_staff(user)
    return user


def _office_hours():
    from facilities.models import OpeningHours

    for weekday in range(6):
        OpeningHours.objects.get_or_create(
            weekday=weekday, defaults={"opens": dt.time(9), "closes": dt.time(21)}
        )
    return OpeningHours.objects.order_by("weekday").first()


def _booking():
    from facilities import services as facilities
    from tests.facilities.factories import RoomFactory

    _office_hours()
    room = RoomFactory()
    day = timezone.localdate() + dt.timedelta(days=10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=tz)
    return facilities.booking_create(
        actor=_staff(),
        room=room,
        start=start,
        end=start + dt.timedelta(hours=2),
        group=_group(),
        purpose="定例会",
        attendees=5,
    )


def _loan():
    from facilities.models import EquipmentLoan

    day = timezone.localdate() + dt.timedelta(days=10)
    tz = timezone.get_current_timezone()
    return EquipmentLoan.objects.create(
        group=_group(),
        purpose="地域の祭りで使用",
        pickup_date=day,
        return_date=day + dt.timedelta(days=1),
        start=dt.datetime.combine(day, dt.time(10), tzinfo=tz),
        end=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(17), tzinfo=tz),
    )


def _consultation():
    from groups.models import Consultation

    return Consultation.objects.create(
        group=_group(),
        channel=Consultation.Channel.values[0],
        category=Consultation.Category.values[0],
        summary="会計の相談",
    )


def _application():
    from groups.models import Group

    group = GroupFactory(status=Group.Status.APPLIED)
    return group


def _event():
    from tests.events.factories import EventFactory

    return EventFactory(status="proposed")


def _registration():
    from tests.events.factories import RegistrationFactory

    return RegistrationFactory()


def _survey():
    from tests.events.factories import QuestionFactory, SurveyFactory

    survey = SurveyFactory(status="draft")
    QuestionFactory(survey=survey)
    return survey


def _post():
    from tests.news.factories import PostFactory

    return PostFactory(status="pending", published_at=None)


def _opinion():
    from tests.news.factories import OpinionFactory

    return OpinionFactory(status="new")


def _news_post():
    from tests.news.factories import NewsPostFactory

    post = NewsPostFactory()
    post.publish_at = post.publish_at.replace(microsecond=0)
    post.save()
    return post


def _episode():
    from tests.news.factories import EpisodeFactory

    return EpisodeFactory()


def _subscriber():
    from tests.news.factories import SubscriberFactory

    return SubscriberFactory()


def _issue():
    from tests.news.factories import IssueFactory

    return IssueFactory()


def _citizen():
    return UserFactory()


def _citizens_address():
    from allauth.account.models import EmailAddress

    user = UserFactory()
    return EmailAddress.objects.get_or_create(user=user, email=user.email)[0]


def _job():
    from procrastinate.contrib.django.models import ProcrastinateJob

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) "
            "VALUES ('default', 'walk.noop', '{}') RETURNING id"
        )
        return ProcrastinateJob.objects.get(pk=cursor.fetchone()[0])


def _singleton(model):
    return lambda: model.load() if hasattr(model, "load") else model.objects.first()


MAKERS = {
    "account.EmailAddress": _citizens_address,
    "accounts.User": _citizen,
    "bulletin.BulletinPost": _post,
    "events.Event": _event,
    "events.Registration": _registration,
    "events.Survey": _survey,
    "facilities.Booking": _booking,
    "facilities.EquipmentLoan": _loan,
    "facilities.OpeningHours": _office_hours,
    "groups.Consultation": _consultation,
    "groups.Group": _application,
    "news.NewsPost": _news_post,
    "news.Opinion": _opinion,
    "news.ProgrammeEpisode": _episode,
    "newsletter.NewsletterIssue": _issue,
    "newsletter.Subscriber": _subscriber,
    "procrastinate.ProcrastinateJob": _job,
}


def _value_for(field: models.Field):
    n = next(_seq)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return make(field.related_model)
    if isinstance(field, models.EmailField):
        return f"walk{n}@example.org"
    if isinstance(field, models.SlugField):
        return f"walk-{n}"
    if isinstance(field, models.URLField):
        return f"https://example.org/{n}"
    if isinstance(field, models.FileField):
        return ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"walk{n}.pdf")
    if isinstance(field, models.CharField | models.TextField):
        return f"walk {n}"[: field.max_length or 100]
    if isinstance(field, models.DateTimeField):
        return timezone.now().replace(microsecond=0) + dt.timedelta(days=n % 20 + 3)
    if isinstance(field, models.DateField):
        return timezone.localdate() + dt.timedelta(days=n % 20 + 3)
    if isinstance(field, models.TimeField):
        return dt.time(10)
    if isinstance(field, models.DurationField):
        return dt.timedelta(hours=1)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.IntegerField):
        return 2026 if "year" in field.name else 1
    if isinstance(field, models.JSONField):
        return {}
    raise LookupError(f"no value for {field!r}")


def _generic(model):
    existing = model.objects.first()
    if existing is not None:
        return existing
    if hasattr(model, "load"):  # a singleton of settings
        return model.load()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.blank and isinstance(field, models.CharField | models.TextField):
            continue
        values[field.name] = _value_for(field)
    obj = model(**values)
    with transaction.atomic():
        obj.save()
    return obj


def make(model):
    maker = MAKERS.get(model._meta.label)
    obj = maker() if maker else None
    if obj is None:
        try:
            obj = _generic(model)
        except (IntegrityError, LookupError, ValueError, TypeError) as exc:
            pytest.fail(
                f"{model._meta.label}: the walk cannot make an object ({exc}); "
                "add a maker to MAKERS in tests/security/test_admin_through_services.py"
            )
    return obj


# Collaboration (issue 18): its makers live with its tests.
from tests.collaboration.admin_makers import MAKERS as _COLLABORATION_MAKERS  # noqa: E402

MAKERS.update(_COLLABORATION_MAKERS)

# The go-between's record and the programme's requests to appear (issue 18 parts 4-5).
from tests.collaboration.gobetween_rows import MAKERS as _GOBETWEEN_MAKERS  # noqa: E402

MAKERS.update(_GOBETWEEN_MAKERS)
