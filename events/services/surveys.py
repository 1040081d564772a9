"""Surveys: answers (all or nothing) and the invitations to answer."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_action
from events import emails, selectors
from events.models import Answer, Registration, Response, Survey
from events.permissions import can_answer_survey, respondent_group
from events.rules import SurveyError, clean_survey_answer

logger = logging.getLogger(__name__)


@transaction.atomic
def survey_submit(
    *,
    survey: Survey,
    answers: dict,
    user=None,
    registration: Registration | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Save one person's answers (all or nothing). ``answers`` maps question id to a value
    (a list for multiple choice)."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open(now):
        raise SurveyError(_("This survey is not open for answers."))
    if not can_answer_survey(user, survey, registration=registration):
        raise PermissionDenied
    if user is not None and user.is_authenticated:
        registration = None
    else:
        user = None
    if selectors.has_answered(survey, user=user, registration=registration):
        raise SurveyError(_("You have already answered this survey. Thank you."))
    rows = []
    for question in survey.questions.all():
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        stored = clean_survey_answer(question, raw)
        if stored:
            rows.append(Answer(question=question, **stored))
    if not rows:
        raise SurveyError(_("Please answer at least one question."))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                user=user,
                registration=registration,
                group=respondent_group(user, survey, registration),
                submitted_at=now,
            )
    except IntegrityError as exc:
        raise SurveyError(_("You have already answered this survey. Thank you.")) from exc
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    log_action(actor=user, action="events.survey_submit", target=survey, response=response.pk)
    return response


def survey_send_invitations(*, actor, survey: Survey, now: dt.datetime | None = None) -> int:
    """E-mail the people who may answer (once per survey); returns how many were asked."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.invitations_sent_at is not None:
            raise SurveyError(_("The invitations for this survey have already been sent."))
        if not locked.is_open(now):
            raise SurveyError(_("Open the survey before sending invitations."))
        invitees = selectors.survey_invitees(locked)
        locked.invitations_sent_at = now
        locked.save(update_fields=["invitations_sent_at"])
        log_action(
            actor=actor, action="events.survey_send_invitations", target=locked, count=len(invitees)
        )
        pk = locked.pk
        transaction.on_commit(lambda: emails.survey_invitations(pk, invitees))
    return len(invitees)


def surveys_send_due(*, now: dt.datetime | None = None) -> int:
    """Invite attendees to open event surveys once the event has ended (the cron job)."""
    now = now or timezone.now()
    count = 0
    for survey in selectors.surveys_due(now):
        try:
            count += survey_send_invitations(actor=None, survey=survey, now=now)
        except SurveyError as exc:
            logger.info("survey %s not sent: %s", survey.slug, exc)
    return count
