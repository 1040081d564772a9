"""Members: invitations by e-mail with a signed link, roles, and always one representative."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.fiscal import TOKYO
from groups import services
from groups.models import Invitation, Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def invitation_path(message) -> str:
    url = re.search(r"https?://\S+/groups/invitations/\S+/", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_a_representative_invites_and_the_invitee_signs_up_and_joins(
    client_for, client, group, representative, on_commit
):
    rep = client_for("representative")
    with on_commit():
        response = rep.post(
            reverse("groups:invite", args=[group.slug]), {"email": "New.Member@Example.jp"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.member@example.jp"]
    assert "子ども食堂ネットワーク" in mail.outbox[0].subject
    path = invitation_path(mail.outbox[0])

    # The link works without an account and explains what to do.
    page = client.get(path)
    assert page.status_code == 200
    assert "ログイン" in page.content.decode()
    # Accepting needs an account.
    assert client.post(path)["Location"].startswith(reverse("account_login"))

    newcomer = UserFactory(email="new.member@example.jp")
    client.force_login(newcomer)
    # "My account" shows the waiting invitation.
    assert "子ども食堂ネットワークからの招待" in client.get(reverse("my_account")).content.decode()
    mail.outbox.clear()
    with on_commit():
        response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    membership = Membership.objects.get(group=group, user=newcomer)
    assert membership.role == Membership.Role.MEMBER
    assert mail.outbox[0].to == [representative.email]

    # The link is used up.
    client.post(path)
    assert Membership.objects.filter(group=group, user=newcomer).count() == 1
    page = client.get(path).content.decode()
    assert "既にこの団体のメンバーです" in page


@pytest.mark.django_db
def test_an_invitation_works_only_for_its_address(client_for, group, representative, citizen):
    invitation = services.invitation_create(
        actor=representative, group=group, email="someone.else@example.jp"
    )
    path = reverse("groups:invitation", args=[services.invitation_token(invitation)])
    response = client_for("citizen").post(path, follow=True)
    assert "someone.else@example.jp宛て" in response.content.decode()
    assert not Membership.objects.filter(group=group, user=citizen).exists()

    # Adding and verifying that address on the account is enough.
    EmailAddress.objects.create(user=citizen, email="someone.else@example.jp", verified=True)
    client_for("citizen").post(path)
    assert Membership.objects.filter(group=group, user=citizen).exists()


@pytest.mark.django_db
def test_forged_altered_revoked_and_expired_links_do_not_work(
    client_for, group, representative, citizen
):
    invitation = services.invitation_create(actor=representative, group=group, email=citizen.email)
    token = services.invitation_token(invitation)
    client = client_for("citizen")

    assert client.get(reverse("groups:invitation", args=[token[:-2] + "xx"])).status_code == 404
    forged = signing.dumps({"i": invitation.pk, "k": "guess"}, salt=services.INVITATION_SALT)
    assert client.post(reverse("groups:invitation", args=[forged])).status_code == 404
    assert client.get(reverse("groups:invitation", args=["nonsense"])).status_code == 404

    services.invitation_revoke(actor=representative, invitation=invitation)
    client.post(reverse("groups:invitation", args=[token]))
    assert not Membership.objects.filter(group=group, user=citizen).exists()

    again = services.invitation_create(actor=representative, group=group, email=citizen.email)
    Invitation.objects.filter(pk=again.pk).update(
        created_at=timezone.now() - dt.timedelta(days=Invitation.VALID_DAYS + 1)
    )
    response = client.post(
        reverse("groups:invitation", args=[services.invitation_token(again)]), follow=True
    )
    assert response.status_code == 404 or "有効期限" in response.content.decode()
    assert not Membership.objects.filter(group=group, user=citizen).exists()


@pytest.mark.django_db
def test_inviting_twice_or_inviting_a_member_is_explained(
    client_for, group, representative, member
):
    rep = client_for("representative")
    url = reverse("groups:invite", args=[group.slug])
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO), tick=False):
        rep.post(url, {"email": "friend@example.jp"})
        response = rep.post(url, {"email": "Friend@example.jp"}, follow=True)
    assert "既に招待済み" in response.content.decode()
    # Valid for 14 days: until 15 December, written as people write a day (not 2026-12-15).
    assert "招待は2026年12月15日(火)まで有効です" in response.content.decode()
    response = rep.post(url, {"email": member.email}, follow=True)
    assert "既にこの団体のメンバー" in response.content.decode()
    response = rep.post(url, {"email": "not an address"}, follow=True)
    assert "有効なメールアドレス" in response.content.decode()
    assert Invitation.objects.filter(group=group).count() == 1


@pytest.mark.django_db
def test_representatives_remove_members_and_share_or_hand_over_the_role(
    client_for, group, representative, member
):
    rep = client_for("representative")
    page = rep.get(reverse("groups:members", args=[group.slug]))
    assert page.status_code == 200
    member_row = Membership.objects.get(group=group, user=member)
    rep_row = Membership.objects.get(group=group, user=representative)

    # Share the role, then step down: the member is now the only representative.
    rep.post(
        reverse("groups:member_role", args=[group.slug, member_row.pk]),
        {"role": "representative"},
    )
    member_row.refresh_from_db()
    assert member_row.is_representative
    rep.post(reverse("groups:step_down", args=[group.slug]))
    rep_row.refresh_from_db()
    assert not rep_row.is_representative

    # The new representative hands the role back.
    new_rep = client_for("member")
    new_rep.post(reverse("groups:member_hand_over", args=[group.slug, rep_row.pk]))
    rep_row.refresh_from_db()
    member_row.refresh_from_db()
    assert rep_row.is_representative and not member_row.is_representative

    # And removes... no: the representative removes the member.
    rep.post(reverse("groups:member_remove", args=[group.slug, member_row.pk]))
    assert not Membership.objects.filter(pk=member_row.pk).exists()


@pytest.mark.django_db
def test_the_last_representative_cannot_leave_or_step_down(client_for, group, representative):
    rep = client_for("representative")
    rep_row = Membership.objects.get(group=group, user=representative)
    response = rep.post(reverse("groups:step_down", args=[group.slug]), follow=True)
    assert "管理者が最低1人必要" in response.content.decode()
    response = rep.post(reverse("groups:leave", args=[group.slug]), follow=True)
    assert "管理者が最低1人必要" in response.content.decode()
    rep_row.refresh_from_db()
    assert rep_row.is_representative


@pytest.mark.django_db
def test_staff_cannot_leave_a_group_without_representative_in_the_admin(
    client_for, group, representative, staff
):
    admin = client_for("staff")
    url = reverse("admin:groups_group_change", args=[group.pk])
    data = admin_form_data(admin.get(url))
    assert admin.post(url, data).status_code == 302  # saved unchanged
    data = admin_form_data(admin.get(url))
    data["memberships-0-role"] = "member"
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "管理者が最低1人必要" in response.content.decode()
    assert Membership.objects.get(group=group, user=representative).is_representative


def admin_form_data(response) -> dict:
    """The POST data an admin change page would send back unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        if name in ("logo",):
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                value = sub.instance.pk if name == "id" else sub.initial.get(name)
                if value is None:
                    continue
                data[f"{sub.prefix}-{name}"] = getattr(value, "pk", value)
    return data


@pytest.mark.django_db
def test_a_member_leaves(client_for, group, representative, member):
    response = client_for("member").post(reverse("groups:leave", args=[group.slug]))
    assert response.status_code == 302
    assert not Membership.objects.filter(group=group, user=member).exists()


@pytest.mark.django_db
def test_ordinary_members_cannot_manage_members(client_for, group, representative, member):
    client = client_for("member")
    rep_row = Membership.objects.get(group=group, user=representative)
    assert (
        client.post(reverse("groups:member_remove", args=[group.slug, rep_row.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("groups:invite", args=[group.slug]), {"email": "x@example.jp"}
        ).status_code
        == 403
    )
    page = client.get(reverse("groups:members", args=[group.slug])).content.decode()
    assert "メンバーを招待する" not in page


@pytest.mark.django_db
def test_a_membership_of_another_group_cannot_be_touched(
    client_for, group, representative, other_member
):
    other_row = Membership.objects.get(user=other_member)
    response = client_for("representative").post(
        reverse("groups:member_remove", args=[group.slug, other_row.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other_row.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_representatives_stepping_down_at_once_leave_one():
    group = GroupFactory()
    first = MembershipFactory(group=group, role=Membership.Role.REPRESENTATIVE)
    second = MembershipFactory(group=group, role=Membership.Role.REPRESENTATIVE)
    barrier = threading.Barrier(2)
    outcomes = []

    def step_down(membership):
        try:
            barrier.wait()
            services.membership_set_role(
                actor=membership.user, membership=membership, role=Membership.Role.MEMBER
            )
            outcomes.append("ok")
        except services.GroupError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=step_down, args=(m,)) for m in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Membership.objects.filter(group=group, role=Membership.Role.REPRESENTATIVE).count() == 1
