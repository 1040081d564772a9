"""The permission matrix: every URL pattern × every role × GET/POST → the exact answer.

Statuses are numbers; ``LOGIN`` means "302 to the login page" (``ADMIN_LOGIN``: the admin's).
POSTs are sent without data (a form comes back with errors for those allowed, the refusal for the
others) and without CSRF enforcement: this table is about who may, not about tokens (CSRF has its
own test). `test_permission_matrix.py` fails for any pattern missing here, so a new URL must be
added with its answers.

Each row may build the URL's arguments from ``ctx`` (the role fixtures of tests/conftest.py plus
objects made for the row): a function ``kwargs(ctx) -> dict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ["anonymous", "citizen", "other_member", "member", "representative", "staff", "official"]
SIGNED_IN = ROLES[1:]
LOGIN = "login"
ADMIN_LOGIN = "admin-login"


def every(status) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status, *, anonymous=LOGIN, **overrides) -> dict:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status), **overrides}


def only(allowed, *, status=200, others=403, anonymous=LOGIN) -> dict:
    table = {"anonymous": anonymous}
    for role in SIGNED_IN:
        table[role] = status if role in allowed else others
    return table


def anonymous_only(status, *, signed_in_status=302) -> dict:
    return {"anonymous": status, **dict.fromkeys(SIGNED_IN, signed_in_status)}


REPORT_VIEWERS = {"staff", "official"}
STAFF = {"staff"}
GROUP_MEMBERS = {"member", "representative", "staff"}


@dataclass
class Row:
    get: dict
    post: dict
    kwargs: Callable[[object], dict] | None = None
    query: str = ""
    note: str = ""
    post_data: Callable[[object], dict] | None = None
    extra: dict = field(default_factory=dict)


MATRIX: dict[str, Row] = {
    # --- core
    "home": Row(get=every(200), post=every(200)),
    "healthz": Row(get=every(200), post=every(405)),
    "set_language": Row(get=every(302), post=every(302), note="GET changes nothing, goes back"),
    # --- accounts (ours and django-allauth's)
    "my_account": Row(get=signed_in(200), post=signed_in(200)),
    "account_login": Row(get=anonymous_only(200), post=anonymous_only(200)),
    "account_logout": Row(get=signed_in(200, anonymous=302), post=every(302)),
    "account_inactive": Row(get=every(200), post=every(405)),
    "account_signup": Row(get=anonymous_only(200), post=anonymous_only(200)),
    "account_reauthenticate": Row(get=signed_in(200), post=signed_in(200)),
    # allauth's code-by-e-mail steps: there is no pending code, so they go back (302).
    "account_request_reauthentication_code": Row(get=signed_in(200), post=signed_in(200)),
    "account_confirm_reauthentication_code": Row(get=signed_in(302), post=signed_in(302)),
    "account_email": Row(get=signed_in(200), post=signed_in(302)),
    "account_email_verification_sent": Row(get=every(200), post=every(405)),
    "account_change_password": Row(get=signed_in(200), post=signed_in(200)),
    "account_set_password": Row(get=signed_in(302), post=signed_in(302)),
    "account_reset_password": Row(get=every(200), post=every(200)),
    "account_confirm_login_code": Row(get=signed_in(302), post=signed_in(302)),
    "account_confirm_email": Row(
        get=every(200),
        post=every(404),
        kwargs=lambda ctx: {"key": "not-a-real-key"},
        note="a bad key shows 'link expired or invalid'; confirming it is 404",
    ),
    "account_reset_password_from_key_done": Row(get=every(200), post=every(405)),
    "account_reset_password_from_key": Row(
        get=every(200),
        post=every(200),
        kwargs=lambda ctx: {"uidb36": "zz", "key": "not-a-real-key"},
        note="a bad key shows the 'link is invalid' page",
    ),
    "account_reset_password_done": Row(get=every(200), post=every(405)),
}

# Patterns covered by a rule rather than a row: the Django admin (see test_admin_* tests).
RULES = {"admin/": "the admin: staff only, per-model permissions (test_admin_permissions)"}
# Admin pages whose answer to staff differs from the rule, and why.
ADMIN_SPECIAL = {
    # A singleton: the list sends staff straight to the one settings object.
    ("bulletin.BulletinSettings", "changelist"): 302,
}


# --- Objects the rows point at (made inside the test's transaction).
def group_slug(ctx) -> dict:
    ctx.member, ctx.representative  # noqa: B018 - the group's members exist before the requests
    return {"slug": ctx.group.slug}


def group_document(ctx) -> dict:
    from django.core.files.base import ContentFile

    from groups.models import GroupDocument

    document = GroupDocument.objects.create(
        group=ctx.group,
        kind=GroupDocument.Kind.values[0],
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="rules.pdf"),
        uploaded_by=ctx.representative,
    )
    return {"pk": document.pk}


def group_invitation(ctx):
    from groups.models import Invitation

    return Invitation.objects.create(
        group=ctx.group, email="invitee@example.org", invited_by=ctx.representative
    )


def group_invitation_token(ctx) -> dict:
    from groups.services import invitation_token

    return {"token": invitation_token(group_invitation(ctx))}


def group_membership(ctx) -> dict:
    from groups.models import Membership

    return {"slug": ctx.group.slug, "pk": Membership.objects.get(user=ctx.member).pk}


def group_activity(ctx) -> dict:
    import datetime as dt

    from groups.models import ActivityRecord

    record = ActivityRecord.objects.create(
        group=ctx.group,
        held_on=dt.date(2026, 4, 12),
        title="清掃活動",
        body="川沿いの清掃をしました。",
        created_by=ctx.member,
    )
    return {"slug": ctx.group.slug, "pk": record.pk}


REPRESENTATIVES = {"representative", "staff"}

MATRIX.update(
    {
        "groups:directory": Row(get=every(200), post=every(405)),
        "groups:directory_csv": Row(get=every(200), post=every(405)),
        "groups:apply": Row(get=signed_in(200), post=signed_in(200)),
        "groups:recent_activities": Row(get=every(200), post=every(405)),
        "groups:invitation": Row(
            get=every(200),
            post=signed_in(302),
            kwargs=group_invitation_token,
            note="anyone with the link sees it; accepting needs an account",
        ),
        "groups:document": Row(get=only(STAFF), post=signed_in(405), kwargs=group_document),
        "groups:detail": Row(get=every(200), post=every(405), kwargs=group_slug),
        "groups:edit": Row(get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_slug),
        "groups:resubmit": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_slug
        ),
        "groups:renew": Row(
            get=only(REPRESENTATIVES), post=only(REPRESENTATIVES), kwargs=group_slug
        ),
        "groups:partners": Row(get=only(GROUP_MEMBERS), post=signed_in(405), kwargs=group_slug),
        "groups:contact": Row(get=every(200), post=every(200), kwargs=group_slug),
        "groups:members": Row(get=only(GROUP_MEMBERS), post=signed_in(405), kwargs=group_slug),
        "groups:invite": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_slug
        ),
        "groups:member_role": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_membership
        ),
        "groups:member_hand_over": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_membership
        ),
        "groups:member_remove": Row(
            get=signed_in(405), post=only(REPRESENTATIVES, status=302), kwargs=group_membership
        ),
        "groups:leave": Row(
            get=signed_in(405),
            post=only({"member", "representative"}, status=302),
            kwargs=group_slug,
            note="the only representative is sent back with a message; staff are not members",
        ),
        "groups:invitation_revoke": Row(
            get=signed_in(405),
            post=only(REPRESENTATIVES, status=302),
            kwargs=lambda ctx: {"slug": ctx.group.slug, "pk": group_invitation(ctx).pk},
        ),
        "groups:activities": Row(get=every(200), post=every(405), kwargs=group_slug),
        "groups:activity_create": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_slug
        ),
        "groups:activity": Row(get=every(200), post=every(405), kwargs=group_activity),
        "groups:activity_edit": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS), kwargs=group_activity
        ),
        "groups:activity_delete": Row(
            get=only(GROUP_MEMBERS), post=only(GROUP_MEMBERS, status=302), kwargs=group_activity
        ),
    }
)
