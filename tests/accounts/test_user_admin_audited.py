"""Staff change accounts in the admin through accounts.services.user_save (issue #14 part 3):
nothing is written when nothing changed; a change names the changed fields in the audit log,
never a password."""

import pytest
from django.urls import reverse

from accounts.models import User
from core.models import AuditLog
from tests.admin_post import unchanged_post_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_saving_an_account_unchanged_writes_nothing(client_for, citizen):
    client = client_for("staff")
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    data = unchanged_post_data(client.get(url))
    assert client.post(url, data).status_code == 302
    assert not AuditLog.objects.exists()


def test_a_changed_account_is_audited_with_its_fields(client_for, citizen, staff):
    client = client_for("staff")
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    data = unchanged_post_data(client.get(url))
    client.post(url, {**data, "full_name": "山田 花子", "phone": "0312345678"})
    citizen.refresh_from_db()
    assert citizen.full_name == "山田 花子"
    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.target_id) == (
        "accounts.user_update",
        staff,
        str(citizen.pk),
    )
    assert entry.data == {"fields": ["full_name", "phone"]}


def test_an_account_added_in_the_admin_is_audited_without_its_password(client):
    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(root)  # staff do not add accounts: people sign up themselves
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@example.org",
            "full_name": "新しい 人",
            "password1": "a-Long-secret-42",
            "password2": "a-Long-secret-42",
            "usable_password": "true",
        },
    )
    user = User.objects.get(email="new@example.org")
    assert user.check_password("a-Long-secret-42")
    entry = AuditLog.objects.get(action="accounts.user_create")
    assert entry.actor == root and entry.target_id == str(user.pk)
    assert not any("password" in name for name in entry.data["fields"])
    assert "a-Long-secret-42" not in str(entry.data)


def test_a_password_set_by_staff_is_audited_without_the_password(client_for, citizen, staff):
    url = reverse("admin:auth_user_password_change", args=[citizen.pk])
    response = client_for("staff").post(
        url,
        {
            "password1": "an-Other-secret-7",
            "password2": "an-Other-secret-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("an-Other-secret-7")
    entry = AuditLog.objects.get(action="accounts.user_password_set")
    assert (entry.actor, entry.target_id, entry.data) == (staff, str(citizen.pk), {"usable": True})
    assert "an-Other-secret-7" not in str(entry.data)
