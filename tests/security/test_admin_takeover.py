"""Issue #12, finding 1: staff never take over a staff or superuser account through the admin.

A password reset goes to every address recorded for an account (verified or not), so whoever may
add or change an e-mail address of an account may take it. Staff look after citizens' and
officials' addresses (fixing a typo, marking an address verified for someone at the desk), each
change in the audit log; the addresses of staff and superuser accounts are theirs and the
superusers' alone.
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.roles import make_staff
from core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "attacker@example.net"
ADD_URL = "/admin/account/emailaddress/add/"
LIST_URL = "/admin/account/emailaddress/"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def colleague(db):
    user = UserFactory(email="colleague@example.org")
    make_staff(user)
    return user


@pytest.fixture(params=["superuser", "colleague"])
def powerful(request):
    """An account above a citizen: a superuser or another staff member."""
    return request.getfixturevalue(request.param)


def change_url(address):
    return reverse("admin:account_emailaddress_change", args=[address.pk])


def delete_url(address):
    return reverse("admin:account_emailaddress_delete", args=[address.pk])


def address_data(user, email, **flags):
    data = {"user": user.pk, "email": email}
    data.update({flag: "on" for flag, on in flags.items() if on})
    return data


@pytest.mark.parametrize("verified", [True, False])
@pytest.mark.parametrize("primary", [True, False])
def test_staff_cannot_add_an_address_to_a_staff_or_superuser_account(
    client_for, powerful, verified, primary
):
    response = client_for("staff").post(
        ADD_URL, address_data(powerful, ATTACKER, verified=verified, primary=primary)
    )
    assert response.status_code in (200, 403)
    assert not EmailAddress.objects.filter(email=ATTACKER).exists()
    if response.status_code == 200:  # the form again, with the refusal on the account
        assert response.context["adminform"].form.errors["user"]


def test_staff_cannot_change_or_delete_an_address_of_a_staff_or_superuser_account(
    client_for, powerful
):
    client = client_for("staff")
    address = EmailAddress.objects.get(user=powerful)
    # They may read it (to answer "which address do I have?"), not change it.
    assert client.get(change_url(address)).status_code == 200
    response = client.post(change_url(address), address_data(powerful, ATTACKER, verified=True))
    assert response.status_code == 403
    assert client.get(delete_url(address)).status_code == 403
    assert client.post(delete_url(address), {"post": "yes"}).status_code == 403
    address.refresh_from_db()
    assert address.email == powerful.email


def test_staff_cannot_move_a_citizens_address_onto_a_staff_or_superuser_account(
    client_for, citizen, powerful
):
    client = client_for("staff")
    address = EmailAddress.objects.create(user=citizen, email=ATTACKER, verified=True)
    response = client.post(change_url(address), address_data(powerful, ATTACKER, verified=True))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
    address.refresh_from_db()
    assert address.user == citizen


def test_staff_bulk_actions_leave_staff_and_superuser_addresses_alone(client_for, powerful):
    client = client_for("staff")
    unverified = EmailAddress.objects.create(user=powerful, email="second@example.org")
    primary = EmailAddress.objects.get(user=powerful, primary=True)
    client.post(
        LIST_URL,
        {"action": "make_verified", helpers.ACTION_CHECKBOX_NAME: [unverified.pk]},
    )
    unverified.refresh_from_db()
    assert not unverified.verified
    response = client.post(
        LIST_URL,
        {
            "action": "delete_selected",
            "post": "yes",
            helpers.ACTION_CHECKBOX_NAME: [unverified.pk, primary.pk],
        },
    )
    assert response.status_code == 403
    assert EmailAddress.objects.filter(pk__in=[unverified.pk, primary.pk]).count() == 2


def test_staff_hold_no_permission_on_email_confirmations(staff):
    # A confirmation key verifies an address: it is a credential. The admin does not list them
    # (keys are signed, not stored), and the Staff group holds none of their permissions.
    actions = ("view", "add", "change", "delete")
    assert not any(staff.has_perm(f"account.{a}_emailconfirmation") for a in actions)
    if EmailConfirmation in admin.site._registry:
        model_admin = admin.site._registry[EmailConfirmation]
        assert not model_admin.has_module_permission(type("R", (), {"user": staff})())


def test_the_password_reset_never_reaches_the_staff_members_address(
    client_for, client, powerful, mailoutbox
):
    """The whole attack: staff try each door, then ask for a reset link to their own address."""
    staff_client = client_for("staff")
    staff_client.post(ADD_URL, address_data(powerful, ATTACKER, verified=True, primary=True))
    address = EmailAddress.objects.get(user=powerful)
    staff_client.post(change_url(address), address_data(powerful, ATTACKER, verified=True))
    client.post(reverse("account_reset_password"), {"email": ATTACKER})
    links = [m for m in mailoutbox if "/password/reset/key/" in m.body]
    assert not links, [m.body for m in links]


def test_superusers_still_manage_every_address(client, superuser, colleague):
    client.force_login(superuser)
    response = client.post(ADD_URL, address_data(colleague, "second@example.org"))
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=colleague, email="second@example.org").exists()


# --- What staff may still do for citizens and officials, each change in the audit log.
def test_staff_fix_a_citizens_address_and_the_change_is_audited(client_for, citizen):
    client = client_for("staff")
    typo = EmailAddress.objects.create(user=citizen, email="citzen@example.org")
    response = client.post(change_url(typo), address_data(citizen, "citizen2@example.org"))
    assert response.status_code == 302
    typo.refresh_from_db()
    assert typo.email == "citizen2@example.org"
    entry = AuditLog.objects.get(action="accounts.email_address_change")
    assert entry.actor.email == "staff@example.org"
    assert entry.target_id == str(typo.pk)


def test_staff_add_verify_and_remove_a_citizens_address_audited(client_for, citizen, official):
    client = client_for("staff")
    for owner in (citizen, official):
        email = f"new-{owner.pk}@example.org"
        response = client.post(ADD_URL, address_data(owner, email))
        assert response.status_code == 302, owner
        added = EmailAddress.objects.get(email=email)
        client.post(LIST_URL, {"action": "make_verified", helpers.ACTION_CHECKBOX_NAME: [added.pk]})
        added.refresh_from_db()
        assert added.verified
        response = client.post(delete_url(added), {"post": "yes"})
        assert response.status_code == 302
        assert not EmailAddress.objects.filter(pk=added.pk).exists()
    actions = sorted(AuditLog.objects.values_list("action", flat=True))
    assert actions == sorted(
        ["accounts.email_address_add", "accounts.email_address_verify"] * 2
        + ["accounts.email_address_remove"] * 2
    )
