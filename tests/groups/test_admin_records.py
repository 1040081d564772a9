"""The office's records in the groups admin go through groups.services (issue #14 part 3):
activity fields and areas, consultations, documents and invitations; each write audited, a
field still used by groups not removed, a consultation's audit row naming fields, never what
was said."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditLog
from groups.models import ActivityField, Consultation, Invitation

pytestmark = pytest.mark.django_db


def test_an_activity_field_used_by_a_group_is_not_removed(client_for, staff, group):
    used = ActivityField.objects.order_by("pk").first()
    group.fields.add(used)
    admin = client_for("staff")
    response = admin.post(
        reverse("admin:groups_activityfield_delete", args=[used.pk]), {"post": "yes"}, follow=True
    )
    assert ActivityField.objects.filter(pk=used.pk).exists()
    assert group.name not in response.content.decode() or used.name in response.content.decode()
    assert not AuditLog.objects.filter(action="groups.category_delete").exists()

    unused = ActivityField.objects.exclude(pk=used.pk).order_by("pk").first()
    admin.post(reverse("admin:groups_activityfield_delete", args=[unused.pk]), {"post": "yes"})
    assert not ActivityField.objects.filter(pk=unused.pk).exists()
    assert AuditLog.objects.get(action="groups.category_delete").data["name"] == unused.name


def test_a_consultation_is_logged_and_corrected_through_the_service(client_for, staff, group):
    admin = client_for("staff")
    data = {
        "held_on": dt.date(2026, 12, 1).isoformat(),
        "group": group.pk,
        "person_name": "",
        "channel": Consultation.Channel.values[0],
        "category": Consultation.Category.values[0],
        "summary": "助成金の申請について",
        "follow_up": "",
        "staff_member": staff.pk,
    }
    assert admin.post(reverse("admin:groups_consultation_add"), data).status_code == 302
    consultation = Consultation.objects.get()
    assert AuditLog.objects.filter(action="groups.consultation_create").count() == 1
    change = reverse("admin:groups_consultation_change", args=[consultation.pk])
    admin.post(change, {**data, "follow_up_done": "on"})
    row = AuditLog.objects.get(action="groups.consultation_update")
    assert row.data == {"fields": ["follow_up_done"]}
    assert "助成金" not in str(AuditLog.objects.values_list("data", flat=True))


def test_an_open_invitation_is_revoked_not_deleted(client_for, staff, group, representative):
    from groups import services

    invitation = services.invitation_create(
        actor=representative, group=group, email="new@example.org"
    )
    admin = client_for("staff")
    admin.post(
        reverse("admin:groups_invitation_changelist"),
        {"action": "revoke_selected", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    delete = reverse("admin:groups_invitation_delete", args=[invitation.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
