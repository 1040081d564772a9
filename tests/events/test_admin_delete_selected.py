"""Staff delete several surveys at once ("delete selected"): each one goes through the service,
and one that the service refuses (opened in another tab after the list was drawn) stays, with
the reason on the page, while the others are deleted (core.admin_services.DeleteEachMixin)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext

from core.models import AuditLog
from events.models import Survey
from tests.events.factories import SurveyFactory

pytestmark = pytest.mark.django_db


def test_a_survey_opened_meanwhile_stays_with_the_reason_and_the_drafts_go(rf, staff):
    opened = SurveyFactory(title="参加者アンケート", status=Survey.Status.DRAFT)
    draft = SurveyFactory(title="下書きのアンケート", status=Survey.Status.DRAFT)
    chosen = Survey.objects.filter(pk__in=[opened.pk, draft.pk]).order_by("pk")
    # After the confirmation page was drawn, someone opened the first survey.
    Survey.objects.filter(pk=opened.pk).update(status=Survey.Status.OPEN)
    request = rf.post("/admin/events/survey/")
    request.user = staff
    request._messages = CookieStorage(request)

    admin.site.get_model_admin(Survey).delete_queryset(request, chosen)

    assert list(Survey.objects.values_list("pk", flat=True)) == [opened.pk]
    assert AuditLog.objects.filter(action="events.survey_delete").count() == 1
    said = [str(m) for m in get_messages(request)]
    reason = gettext("Only a draft survey without answers can be deleted; close it.")
    assert said == [f"{Survey.objects.get(pk=opened.pk)}: {reason}"]


def test_the_delete_button_is_offered_only_for_a_survey_that_may_go(rf, staff):
    request = rf.get("/admin/events/survey/")
    request.user = staff
    survey_admin = admin.site.get_model_admin(Survey)
    assert survey_admin.has_delete_permission(request, SurveyFactory(status=Survey.Status.DRAFT))
    assert not survey_admin.has_delete_permission(request, SurveyFactory(status=Survey.Status.OPEN))
