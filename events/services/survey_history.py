"""Survey answers given in the past, recorded in bulk (the demo's responses, answers collected
on paper): each row obeys what ``survey_submit`` checks (the survey open at the moment of the
answer, the person in its audience, one response per person, valid answers and at least one),
and leaves the same audit row, dated when the answer was given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_actions_bulk
from events.models import Answer, Registration, Response, Survey
from events.permissions import can_answer_survey, respondent_group
from events.rules import SurveyError, clean_survey_answer


@dataclass
class PastResponse:
    """One person's answers (question or question id → value, as ``survey_submit`` takes
    them), given at ``submitted_at`` by an account or, for a guest who attended, through the
    registration."""

    submitted_at: dt.datetime
    answers: dict = field(default_factory=dict)
    user: object = None
    registration: Registration | None = None


@transaction.atomic
def survey_responses_record_bulk(
    *, survey: Survey, rows: list[PastResponse], now: dt.datetime | None = None
) -> list[Response]:
    """Record ``rows`` as responses to ``survey``; returns them. Raises ``SurveyError`` (or
    ``PermissionDenied`` for someone outside the audience) and writes nothing when a row is
    one ``survey_submit`` would have refused."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    questions = list(survey.questions.all())
    answered = set(Response.objects.filter(survey=survey).values_list("user_id", "registration_id"))
    taken_users = {user_id for user_id, _reg in answered if user_id}
    taken_registrations = {reg_id for _user, reg_id in answered if reg_id}
    responses, answer_rows = [], []
    for row in rows:
        if row.submitted_at > now or not survey.is_open(row.submitted_at):
            raise SurveyError(_("This survey is not open for answers."))
        user = row.user if getattr(row.user, "is_authenticated", False) else None
        registration = None if user is not None else row.registration
        if not can_answer_survey(user, survey, registration=registration):
            raise PermissionDenied
        if user is not None:
            if user.pk in taken_users:
                raise SurveyError(_("You have already answered this survey. Thank you."))
            taken_users.add(user.pk)
        else:
            if registration.pk in taken_registrations:
                raise SurveyError(_("You have already answered this survey. Thank you."))
            taken_registrations.add(registration.pk)
        given = {getattr(key, "pk", key): value for key, value in row.answers.items()}
        answers = []
        for question in questions:
            stored = clean_survey_answer(
                question, given.get(question.pk, given.get(str(question.pk)))
            )
            if stored:
                answers.append(Answer(question=question, **stored))
        if not answers:
            raise SurveyError(_("Please answer at least one question."))
        responses.append(
            Response(
                survey=survey,
                user=user,
                registration=registration,
                group=respondent_group(user, survey, registration),
                submitted_at=row.submitted_at,
            )
        )
        answer_rows.append(answers)
    Response.objects.bulk_create(responses, batch_size=2000)
    for response, answers in zip(responses, answer_rows, strict=True):
        for answer in answers:
            answer.response = response
    Answer.objects.bulk_create([a for answers in answer_rows for a in answers], batch_size=2000)
    log_actions_bulk(
        (r.submitted_at, r.user, "events.survey_submit", survey, {"response": r.pk})
        for r in responses
    )
    return responses
