"""Issue #14 parts 2 and 3 for events: staff decide on the event's own admin page (approve,
return with a note, publish, unpublish, cancel with a reason), every change of status through
the services (checked, audited, told), and a form that would break a rule saves nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditLog
from events import services
from events.models import Event, Registration
from tests.events.factories import EventFactory, QuestionFactory, SurveyFactory, at
from tests.events.test_proposals_and_admin import admin_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Event.Status


def decide(event, key):
    return reverse("admin:events_event_decide", args=[event.pk, key])


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def proposal(member, group):
    return services.event_propose(
        actor=member,
        group=group,
        title="子ども食堂 ボランティア説明会",
        slug="kodomo",
        kind=Event.Kind.OTHER,
        start=at(14, 18),
        end=at(14, 20),
        venue="公民館",
        summary="活動の紹介",
        capacity=15,
    )


def test_a_proposal_shows_approve_and_return_on_its_own_page(client_for, proposal):
    page = client_for("staff").get(change_url(proposal))
    html = page.content.decode()
    assert page.status_code == 200
    assert decide(proposal, "approve") in html
    assert decide(proposal, "return") in html
    assert decide(proposal, "cancel") not in html  # only a published event is cancelled
    assert 'name="reason"' in html and "required" in html


def test_approving_from_the_page_publishes_tells_the_group_and_a_second_click_changes_nothing(
    client_for, proposal, commit
):
    client = client_for("staff")
    mail.outbox.clear()
    with commit():
        response = client.post(decide(proposal, "approve"), follow=True)
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED
    assert any("approved" in m or "承認" in m for m in messages_of(response))
    assert AuditLog.objects.filter(action__endswith="approve", target_id=str(proposal.pk)).count()
    assert len(mail.outbox) == 1
    rows = AuditLog.objects.count()
    again = client.post(decide(proposal, "approve"), follow=True)
    proposal.refresh_from_db()
    assert proposal.status == S.PUBLISHED
    assert AuditLog.objects.count() == rows
    assert any("nothing was changed" in m or "変更していません" in m for m in messages_of(again))


def test_returning_a_proposal_needs_a_note(client_for, proposal, commit):
    client = client_for("staff")
    rows = AuditLog.objects.count()
    client.post(decide(proposal, "return"), {"reason": "  "})
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED and AuditLog.objects.count() == rows
    mail.outbox.clear()
    with commit():
        client.post(decide(proposal, "return"), {"reason": "日時を平日にしてください。"})
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT
    assert proposal.staff_note == "日時を平日にしてください。"
    assert len(mail.outbox) == 1


def test_unpublishing_is_refused_while_people_hold_places(client_for, event):
    services.registration_create(actor=UserFactory(), event=event)
    rows = AuditLog.objects.count()
    response = client_for("staff").post(decide(event, "unpublish"), follow=True)
    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    assert AuditLog.objects.count() == rows
    assert any("cancel" in m.lower() or "中止" in m for m in messages_of(response))


def test_unpublishing_before_anyone_registers_is_audited(client_for, event):
    client_for("staff").post(decide(event, "unpublish"))
    event.refresh_from_db()
    assert event.status == S.DRAFT
    assert AuditLog.objects.filter(action="events.event_unpublish").count() == 1


def test_cancelling_from_the_page_needs_a_reason_and_tells_everyone(client_for, event, commit):
    services.registration_create(actor=UserFactory(email="p@example.org"), event=event)
    client = client_for("staff")
    client.post(decide(event, "cancel"), {"reason": ""})
    event.refresh_from_db()
    assert event.status == S.PUBLISHED
    mail.outbox.clear()
    with commit():
        client.post(decide(event, "cancel"), {"reason": "台風のため中止します。"})
    event.refresh_from_db()
    assert event.status == S.CANCELLED and event.staff_note == "台風のため中止します。"
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [["p@example.org"]]
    page = client.get(change_url(event))
    assert decide(event, "publish") not in page.content.decode()


def test_a_cancelled_event_cannot_be_un_cancelled_through_the_form_and_nothing_is_saved(
    client_for, event
):
    services.event_cancel(actor=None, event=event, reason="雨天のため")
    client = client_for("staff")
    data = admin_form_data(client, event)
    data.update({"status": S.PUBLISHED, "title": "別の題名"})
    rows = AuditLog.objects.count()
    response = client.post(change_url(event), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "status" in errors
    event.refresh_from_db()
    assert event.status == S.CANCELLED and event.title != "別の題名"
    assert AuditLog.objects.count() == rows


def test_unpublishing_through_the_form_with_registrations_shows_the_services_message(
    client_for, event
):
    services.registration_create(actor=UserFactory(), event=event)
    client = client_for("staff")
    data = admin_form_data(client, event)
    data.update({"status": S.DRAFT, "summary": "変更"})
    response = client.post(change_url(event), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == S.PUBLISHED and event.summary != "変更"


def test_an_edit_is_audited_and_an_unchanged_save_writes_nothing(client_for, event):
    client = client_for("staff")
    data = admin_form_data(client, event)
    rows = AuditLog.objects.count()
    assert client.post(change_url(event), data).status_code == 302
    assert AuditLog.objects.count() == rows
    data["summary"] = "持ち物：筆記用具"
    assert client.post(change_url(event), data).status_code == 302
    entry = AuditLog.objects.get(action="events.event_update")
    assert entry.data["fields"] == ["summary"]


def test_a_new_event_published_at_once_goes_through_the_service(client_for, event):
    client = client_for("staff")
    data = admin_form_data(client, event)
    data.update({"slug": "new-one", "status": S.PUBLISHED, "title": "新しい交流会"})
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Event.objects.get(slug="new-one")
    assert created.status == S.PUBLISHED and created.published_at
    actions = set(
        AuditLog.objects.filter(target_id=str(created.pk)).values_list("action", flat=True)
    )
    assert "events.event_update" in actions
    assert any(a.endswith("approve") for a in actions)
    data.update({"slug": "cancelled-one", "status": S.CANCELLED, "staff_note": "x"})
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200 and "status" in response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="cancelled-one").exists()


@pytest.mark.parametrize("role", ["citizen", "official", "member"])
def test_a_crafted_decision_post_by_anyone_but_staff_is_refused(client_for, proposal, role):
    response = client_for(role).post(decide(proposal, "approve"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_anonymous_goes_to_the_admin_login_and_a_get_changes_nothing(client_for, proposal):
    response = client_for("anonymous").post(decide(proposal, "approve"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert client_for("staff").get(decide(proposal, "approve")).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_list_actions_go_through_the_same_rules(client_for, event):
    services.registration_create(actor=UserFactory(), event=event)
    empty = EventFactory(start=at(9), end=at(9, 16))
    client = client_for("staff")
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "unpublish", "_selected_action": [event.pk, empty.pk]},
    )
    event.refresh_from_db()
    empty.refresh_from_db()
    assert event.status == S.PUBLISHED
    assert empty.status == S.DRAFT
    assert AuditLog.objects.filter(action="events.event_unpublish").count() == 1


def test_surveys_open_and_close_through_the_services(client_for):
    survey = SurveyFactory(status="draft")
    client = client_for("staff")
    url = reverse("admin:events_survey_decide", args=[survey.pk, "open"])
    response = client.post(url, follow=True)
    survey.refresh_from_db()
    assert survey.status == "draft"  # no question yet
    assert messages_of(response)
    QuestionFactory(survey=survey)
    client.post(url)
    survey.refresh_from_db()
    assert survey.status == "open"
    client.post(
        reverse("admin:events_survey_changelist"),
        {"action": "close_surveys", "_selected_action": [survey.pk]},
    )
    survey.refresh_from_db()
    assert survey.status == "closed"
    actions = list(AuditLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["events.survey_open", "events.survey_close"]
    page = client.get(reverse("admin:events_survey_change", args=[survey.pk]))
    assert "status" not in page.context["adminform"].form.fields


def test_the_decision_pages_read_a_fixed_number_of_queries(client_for, group):
    """The event's, the survey's, the bulletin post's and the opinion's admin pages (with the
    decision panel) read as many queries for one row as for many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bulletin.models import PostReport
    from tests.events.factories import RegistrationFactory
    from tests.news.factories import OpinionFactory, PostFactory

    client = client_for("staff")
    counts = {}
    for n in (1, 6):
        event = EventFactory(organiser=group)
        RegistrationFactory.create_batch(n, event=event)
        survey = SurveyFactory(status="draft", event=event)
        QuestionFactory.create_batch(n, survey=survey)
        post = PostFactory(group=group, status="pending", published_at=None)
        for _ in range(n):
            PostReport.objects.create(post=post, reason="spam", reporter=UserFactory())
        opinion = OpinionFactory()
        for obj in (event, survey, post, opinion):
            opts = obj._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            client.get(url)  # the first read fills the caches of the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(opts.label, []).append(len(queries))
    for label, (few, many) in counts.items():
        assert few == many, f"{label}: {few} queries for one row, {many} for six"
        assert many <= 14, f"{label}: {many} queries"


def test_a_survey_added_with_its_questions_is_one_audited_draft(client_for):
    from events.models import Survey

    client = client_for("staff")
    response = client.post(
        reverse("admin:events_survey_add"),
        {
            "title": "交流会アンケート",
            "slug": "koryukai-2026",
            "description": "",
            "audience": Survey.Audience.ACCOUNTS,
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1",
            "questions-0-text": "満足度",
            "questions-0-kind": "rating",
            "questions-0-required": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    survey = Survey.objects.get(slug="koryukai-2026")
    assert survey.status == Survey.Status.DRAFT and survey.questions.count() == 1
    entry = AuditLog.objects.get(action="events.survey_update")
    assert entry.data["created"] is True and entry.data["questions"] == 1


def test_a_refusal_after_the_forms_checks_saves_nothing_of_the_edit(client_for, event, monkeypatch):
    """Between the form's check and the save someone else may act (a registration arrives, the
    room is taken): the service's refusal rolls the whole edit back and staff read why."""

    def refuse(**kwargs):
        raise services.EventError("たった今、申込みがありました。")

    monkeypatch.setattr(services, "event_status_set", refuse)
    client = client_for("staff")
    data = admin_form_data(client, event)
    data.update({"status": S.DRAFT, "summary": "この変更は保存されない"})
    rows = AuditLog.objects.count()
    response = client.post(change_url(event), data, follow=True)
    assert "たった今、申込みがありました。" in [str(m) for m in response.context["messages"]]
    event.refresh_from_db()
    assert event.status == S.PUBLISHED and event.summary != "この変更は保存されない"
    assert AuditLog.objects.count() == rows


def test_only_a_draft_nobody_registered_for_is_deleted_from_the_list(client_for, event):
    draft = EventFactory(status=S.DRAFT, start=at(9), end=at(9, 16))
    client = client_for("staff")
    changelist = reverse("admin:events_event_changelist")
    both = {"action": "delete_selected", "_selected_action": [event.pk, draft.pk], "post": "yes"}
    assert client.post(changelist, both).status_code == 403  # a published one among them
    assert Event.objects.filter(pk__in=[event.pk, draft.pk]).count() == 2
    client.post(changelist, {**both, "_selected_action": [draft.pk]})
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert AuditLog.objects.filter(action="events.event_delete").count() == 1
    assert client.get(reverse("admin:events_event_delete", args=[event.pk])).status_code == 403
