"""Cancelling an event: only a published event can be cancelled, and only an event that was
public is ever shown as cancelled, so a proposal or a draft (and the office's internal note on
it) never becomes public by being cancelled."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.audit import log_action
from events import services
from events.models import Event
from tests.events.factories import EventFactory
from tests.events.test_proposals_and_admin import admin_form_data

pytestmark = pytest.mark.django_db

NOTE = "会場の都合がつかないため、事務局内で再検討中（非公開メモ）"
REFUSED = "中止できるのは公開中のイベントだけです"


@pytest.fixture
def proposal(group, member):
    return EventFactory(
        slug="proposal",
        title="提案中の見学会",
        status=Event.Status.PROPOSED,
        organiser=group,
        proposed_by=member,
        staff_note=NOTE,
    )


def assert_not_public(client, event):
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:ics", args=[event.slug])).status_code == 404
    assert event.title not in client.get(reverse("events:list")).content.decode()
    assert event.title not in client.get(reverse("events:feed")).content.decode()


def test_the_admin_action_refuses_to_cancel_a_proposal_and_changes_nothing(
    client, client_for, proposal
):
    page = client_for("staff").post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel", "_selected_action": [proposal.pk]},
        follow=True,
    )
    assert REFUSED in page.content.decode()
    assert "差し戻す" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Event.Status.PROPOSED and proposal.staff_note == NOTE
    assert_not_public(client, proposal)


def test_the_change_form_refuses_to_cancel_a_draft_and_saves_nothing(client, client_for):
    draft = EventFactory(slug="draft", title="準備中の講座", status=Event.Status.DRAFT)
    staff = client_for("staff")
    data = admin_form_data(staff, draft)
    data.update({"status": "cancelled", "staff_note": NOTE, "title": "準備中の講座（改）"})
    page = staff.post(reverse("admin:events_event_change", args=[draft.pk]), data)
    assert page.status_code == 200
    assert REFUSED in str(page.context["adminform"].form.errors["status"])
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.staff_note) == (
        Event.Status.DRAFT,
        "準備中の講座",
        "",
    )
    assert_not_public(client, draft)


def test_a_published_event_is_cancelled_publicly_with_the_reason(client, event, staff):
    services.event_cancel(actor=staff, event=event, reason="台風の接近のため中止します。")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "中止" in page and "台風の接近のため中止します。" in page
    assert event.title in client.get(reverse("events:list")).content.decode()


def test_a_proposal_cancelled_before_the_fix_stays_private(client, client_for, proposal):
    # Cancelled while never published (what the admin allowed before): no announcement.
    Event.objects.filter(pk=proposal.pk).update(status=Event.Status.CANCELLED)
    assert_not_public(client, proposal)
    assert NOTE not in client.get(proposal.get_absolute_url()).content.decode()
    # The office and the proposing group still see it, as before.
    assert client_for("staff").get(proposal.get_absolute_url()).status_code == 200
    assert client_for("member").get(proposal.get_absolute_url()).status_code == 200


def test_the_migration_keeps_only_events_that_had_been_public_listed_as_cancelled(staff):
    migration = importlib.import_module("events.migrations.0003_event_published_at")
    announced = EventFactory(title="公開後に中止した講座", status=Event.Status.DRAFT)
    services.event_approve(actor=staff, event=announced)
    never = EventFactory(title="公開前に中止した提案", status=Event.Status.PROPOSED)
    log_action(actor=staff, action="events.event_reject", target=never)
    published = EventFactory(title="公開中の講座")
    Event.objects.filter(pk__in=[announced.pk, never.pk]).update(status=Event.Status.CANCELLED)
    Event.objects.update(published_at=None)  # as the column was added
    migration.backfill(apps, None)
    listed = set(Event.objects.listed().values_list("title", flat=True))
    assert listed == {"公開後に中止した講座", "公開中の講座"}
    published.refresh_from_db()
    assert published.published_at is not None
