"""Every groups URL, GET and POST, for every role: who gets in, who is sent to log in, who
is refused. "login" means a redirect to the login page."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from groups import services
from groups.models import ActivityRecord, GroupDocument, Membership
from tests.groups.factories import PDF

ROLES = ["anonymous", "citizen", "other_member", "member", "representative", "staff", "official"]
MEMBERS = {"member", "representative", "staff"}
REPS = {"representative", "staff"}


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous="login"):
    return {role: (anonymous if role == "anonymous" else code) for role in ROLES}


def only(allowed: set, code, refused=403):
    return {
        role: ("login" if role == "anonymous" else code if role in allowed else refused)
        for role in ROLES
    }


NOT_MEMBERS_200 = {role: (302 if role in {"member", "representative"} else 200) for role in ROLES}

# (url name, kwargs keys, expected for GET, expected for POST with an empty form)
MATRIX = [
    ("groups:directory", [], everyone(200), everyone(405)),
    ("groups:directory_csv", [], everyone(200), everyone(405)),
    ("groups:recent_activities", [], everyone(200), everyone(405)),
    ("groups:apply", [], signed_in(200), signed_in(200)),
    ("groups:invitation", ["token"], everyone(200), signed_in(302)),
    ("groups:document", ["document"], only({"staff"}, 200), signed_in(405)),
    ("groups:detail", ["slug"], everyone(200), everyone(405)),
    ("groups:edit", ["slug"], only(MEMBERS, 200), only(MEMBERS, 200)),
    ("groups:resubmit", ["slug"], signed_in(405), only(REPS, 302)),
    ("groups:renew", ["slug"], only(REPS, 200), only(REPS, 200)),
    ("groups:partners", ["slug"], only(MEMBERS, 200), signed_in(405)),
    # The group's own members are sent back to its page: the form is for outsiders.
    ("groups:contact", ["slug"], NOT_MEMBERS_200, NOT_MEMBERS_200),
    ("groups:members", ["slug"], only(MEMBERS, 200), signed_in(405)),
    ("groups:invite", ["slug"], signed_in(405), only(REPS, 200)),
    ("groups:member_role", ["slug", "membership"], signed_in(405), only(REPS, 302)),
    # GET asks for confirmation; POST (the confirmation's form) acts.
    ("groups:member_hand_over", ["slug", "membership"], only(REPS, 200), only(REPS, 302)),
    ("groups:member_remove", ["slug", "membership"], only(REPS, 200), only(REPS, 302)),
    (
        "groups:leave",
        ["slug"],
        only({"member", "representative"}, 200),
        only({"member", "representative"}, 302),
    ),
    # Only one's own role: staff and plain members have none to give up.
    ("groups:step_down", ["slug"], only({"representative"}, 200), only({"representative"}, 302)),
    ("groups:invitation_revoke", ["slug", "invitation"], signed_in(405), only(REPS, 302)),
    ("groups:activities", ["slug"], everyone(200), everyone(405)),
    ("groups:activity_create", ["slug"], only(MEMBERS, 200), only(MEMBERS, 200)),
    ("groups:activity", ["slug", "record"], everyone(200), everyone(405)),
    ("groups:activity_edit", ["slug", "record"], only(MEMBERS, 200), only(MEMBERS, 200)),
    ("groups:activity_delete", ["slug", "record"], only(MEMBERS, 200), only(MEMBERS, 302)),
]


@pytest.fixture
def world(group, other_group, representative, member, other_member, citizen, staff, official):
    record = ActivityRecord.objects.create(
        group=group, held_on=dt.date(2025, 5, 1), title="活動", body="報告"
    )
    document = GroupDocument(group=group, kind="rules")
    document.file.save("rules.pdf", ContentFile(PDF), save=True)
    invitation = services.invitation_create(
        actor=representative, group=group, email="invitee@example.org"
    )
    return {
        "slug": group.slug,
        "record": record.pk,
        "document": document.pk,
        "invitation": invitation.pk,
        "membership": Membership.objects.get(group=group, user=member).pk,
        "token": services.invitation_token(invitation),
    }


def url_for(name, keys, world):
    kwargs = {}
    for key in keys:
        kwargs[
            {"record": "pk", "document": "pk", "invitation": "pk", "membership": "pk"}.get(key, key)
        ] = world[key]
    return reverse(name, kwargs=kwargs)


def check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


CASES = [
    pytest.param(name, keys, method, expected, id=f"{name}-{method}")
    for name, keys, get, post in MATRIX
    for method, expected in (("GET", get), ("POST", post))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "keys", "method", "expected"), CASES)
def test_permission_matrix(client_for, world, name, keys, method, expected):
    url = url_for(name, keys, world)
    for role in ROLES:
        # Each role starts from the same data: what one role's POST changes is rolled back.
        with transaction.atomic():
            client = client_for(role)
            response = client.get(url) if method == "GET" else client.post(url, {})
            try:
                check(response, expected[role])
            except AssertionError as exc:
                raise AssertionError(f"{method} {url} as {role}: {exc}") from exc
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_matrix_covers_every_groups_url():
    from groups.urls import urlpatterns

    assert {f"groups:{p.name}" for p in urlpatterns} == {name for name, *_ in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "other_member", "official"])
def test_refused_posts_change_nothing(client_for, world, group, role):
    client = client_for(role)
    before = set(Membership.objects.values_list("pk", "role"))
    for name in ("groups:member_role", "groups:member_remove", "groups:member_hand_over"):
        client.post(url_for(name, ["slug", "membership"], world), {"role": "representative"})
    client.post(url_for("groups:invitation", ["token"], world))
    client.post(url_for("groups:activity_delete", ["slug", "record"], world))
    assert set(Membership.objects.values_list("pk", "role")) == before
    assert ActivityRecord.objects.filter(pk=world["record"]).exists()
