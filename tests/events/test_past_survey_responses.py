"""Survey answers given in the past, recorded in bulk (the demo's responses): each obeys what
``survey_submit`` checks, leaves its audit row dated when it was given, and nothing is written
when one row breaks a rule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditLog
from events import services
from events.models import Answer, Question, Response, Survey
from events.services import PastResponse
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
    at,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db):
    return EventFactory(slug="past-meeting", start=at(-10), end=at(-10, 16))


@pytest.fixture
def survey(meeting):
    survey = SurveyFactory(event=meeting, audience=Survey.Audience.ATTENDEES,
                           opens_at=meeting.end, closes_at=at(5))  # fmt: skip
    QuestionFactory(survey=survey, text="満足度", kind=Question.Kind.RATING, order=1)
    QuestionFactory(survey=survey, text="ご意見", kind=Question.Kind.LONG_TEXT, required=False,
                    order=2)  # fmt: skip
    return survey


def _attendee(meeting, **fields):
    return RegistrationFactory(event=meeting, attended=True, attended_people=1, **fields)


def test_attendees_answers_are_recorded_with_their_audit_rows(survey, meeting):
    came = _attendee(meeting, user=UserFactory())
    guest = _attendee(meeting, user=None, guest_name="山田 花子", guest_email="h@example.net")
    rating, opinion = survey.questions.all()
    given = at(-8)
    rows = [
        PastResponse(submitted_at=given, answers={rating: 5, opinion: "良かった"}, user=came.user),
        PastResponse(submitted_at=given, answers={rating.pk: "4"}, registration=guest),
    ]

    responses = services.survey_responses_record_bulk(survey=survey, rows=rows)

    assert len(responses) == 2
    assert Response.objects.get(user=came.user).submitted_at == given
    assert Response.objects.get(registration=guest).user is None
    assert sorted(Answer.objects.filter(rating__isnull=False).values_list("rating", flat=True)) == [
        4,
        5,
    ]
    assert Answer.objects.get(rating__isnull=True).text == "良かった"
    audit = AuditLog.objects.filter(action="events.survey_submit")
    assert [row.created_at for row in audit] == [given, given]


@pytest.mark.parametrize(
    "case", ["before it opened", "twice", "not an attendee", "no answer", "bad rating"]
)
def test_what_survey_submit_would_refuse_is_refused_and_nothing_written(survey, meeting, case):
    came = _attendee(meeting, user=UserFactory())
    rating, _opinion = survey.questions.all()
    row = PastResponse(submitted_at=at(-8), answers={rating: 4}, user=came.user)
    rows = [row]
    error = services.SurveyError
    if case == "before it opened":
        row.submitted_at = meeting.end - dt.timedelta(hours=1)
    elif case == "twice":
        rows = [row, PastResponse(submitted_at=at(-7), answers={rating: 3}, user=came.user)]
    elif case == "not an attendee":
        row.user, error = UserFactory(), PermissionDenied
    elif case == "no answer":
        rating.required = False
        rating.save()
        row.answers = {}
    else:
        row.answers = {rating: 9}
    with pytest.raises(error):
        services.survey_responses_record_bulk(survey=survey, rows=rows)
    assert not Response.objects.exists()
    assert not AuditLog.objects.exists()
