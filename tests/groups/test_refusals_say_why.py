"""A member refused a page learns why: the groups app gives PermissionDenied a reason, and
the 403 page (core.views.permission_denied) shows it with a way to My Page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_member_opening_the_renewal_is_told_only_the_representative_renews(
    client_for, group, member
):
    response = client_for("member").get(reverse("groups:renew", args=[group.slug]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "この操作は団体の管理者だけができます" in html
    assert "このページを表示する権限がありません" not in html
    assert f'href="{reverse("my_account")}"' in html


def test_a_member_of_another_group_opening_the_edit_form_is_told_it_is_for_members(
    client_for, group, other_member
):
    response = client_for("other_member").get(reverse("groups:edit", args=[group.slug]))
    assert response.status_code == 403
    assert "このページは団体のメンバーだけが開けます" in response.content.decode()


def test_a_member_managing_members_is_told_only_the_representative_can(
    client_for, group, member, representative
):
    from groups.models import Membership

    pk = Membership.objects.get(group=group, user=representative).pk
    response = client_for("member").get(reverse("groups:member_remove", args=[group.slug, pk]))
    assert response.status_code == 403
    assert "管理者だけができます" in response.content.decode()
