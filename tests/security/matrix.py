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
    "home": Row(get=every(200), post=every(405)),
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
