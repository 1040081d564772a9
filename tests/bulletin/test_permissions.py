"""Every URL of the bulletin board for every role."""

import pytest
from django.urls import reverse

from bulletin.models import BulletinPost
from tests.bulletin.factories import PostFactory
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

LOGIN = "login"
# Who may post, see "our notices", and edit or withdraw a post of `group`.
POSTERS = {"other_member", "member", "representative", "staff"}
GROUP_MANAGERS = {"member", "representative", "staff"}


def expect(role, allowed, ok=200):
    if role == "anonymous":
        return LOGIN
    return ok if role in allowed else 403


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


@pytest.fixture
def everyone(member, representative, other_member, citizen, staff, official):
    """Every role's user exists before the requests."""


@pytest.mark.parametrize("role", ROLES)
def test_public_board_pages(client_for, role, everyone):
    post = PostFactory()
    client = client_for(role)
    for url in [
        reverse("bulletin:list"),
        reverse("bulletin:feed"),
        post.get_absolute_url(),
        reverse("bulletin:report", args=[post.pk]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_posting_and_our_notices_need_a_registered_group(client_for, role, everyone):
    client = client_for(role)
    assert outcome(client.get(reverse("bulletin:create"))) == expect(role, POSTERS)
    assert outcome(client.get(reverse("bulletin:mine"))) == expect(role, POSTERS)


@pytest.mark.parametrize("role", ROLES)
def test_editing_and_withdrawing_belong_to_the_group_and_staff(client_for, role, group, everyone):
    post = PostFactory(group=group)
    client = client_for(role)
    assert outcome(client.get(reverse("bulletin:edit", args=[post.pk]))) == expect(
        role, GROUP_MANAGERS
    )
    response = client.post(reverse("bulletin:withdraw", args=[post.pk]))
    assert outcome(response) == expect(role, GROUP_MANAGERS, ok=302)
    post.refresh_from_db()
    assert (post.status == BulletinPost.Status.WITHDRAWN) == (role in GROUP_MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_asks_first_and_a_get_changes_nothing(client_for, role, group, everyone):
    post = PostFactory(group=group)
    response = client_for(role).get(reverse("bulletin:withdraw", args=[post.pk]))
    assert outcome(response) == expect(role, GROUP_MANAGERS)
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_a_suspended_groups_members_cannot_post_for_it(client_for, role, group, everyone):
    from groups.models import Group

    Group.objects.filter(pk=group.pk).update(status=Group.Status.SUSPENDED)
    post = PostFactory(group=group)
    allowed = {"staff"}
    assert outcome(client_for(role).get(reverse("bulletin:edit", args=[post.pk]))) == expect(
        role, allowed
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name",
    [
        "admin:bulletin_bulletinpost_changelist",
        "admin:bulletin_postreport_changelist",
        "admin:bulletin_groupquota_changelist",
    ],
)
def test_only_staff_moderate(client_for, role, name):
    response = client_for(role).get(reverse(name))
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
