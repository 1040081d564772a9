"""Every URL × role × GET/POST gets exactly the answer in tests/security/matrix.py.

A URL pattern missing from the matrix fails here, so each new page arrives with its answers. When
a row disagrees, the failure shows the observed row as Python to compare (or, once reviewed, to
paste). Set PROOF_MATRIX_PRINT=1 to print every observed row.
"""

from __future__ import annotations

import os
import pprint

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from accounts.roles import STAFF_APPS
from tests.a11y.pages import url_patterns
from tests.security.matrix import (
    ADMIN_LOGIN,
    ADMIN_SPECIAL,
    LOGIN,
    MATRIX,
    PREFIX_ROWS,
    ROLES,
)

PATTERNS = [p for p in url_patterns() if not p.is_admin]


class Ctx:
    """What a row's ``kwargs`` may use: the role fixtures, by attribute (made on first use)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
    return response.status_code


def url_for(pattern, kwargs) -> str:
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    return "/" + pattern.route


def row_for(key: str):
    if key in MATRIX:
        return MATRIX[key]
    return next((row for prefix, row in PREFIX_ROWS.items() if key.startswith(prefix)), None)


def test_every_url_pattern_is_in_the_matrix():
    missing = [f"{p.key} ({p.route})" for p in PATTERNS if row_for(p.key) is None]
    assert not missing, (
        "Add these URL patterns to tests/security/matrix.py with the answer each role gets:\n  "
        + "\n  ".join(missing)
    )
    # The media route exists only with DEBUG on when the URLconf is first imported.
    stale = sorted(set(MATRIX) - {p.key for p in PATTERNS} - {"^media/(?P<path>.*)$"})
    assert not stale, f"The matrix lists URL names that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_role_gets_exactly_the_expected_answer(pattern, request, client_for):
    row = row_for(pattern.key)
    if row is None:
        pytest.fail(f"{pattern.key} is not in the matrix (see test_every_url_pattern_is_in_it)")
    ctx = Ctx(request)
    try:
        url = row.path or url_for(pattern, row.kwargs(ctx) if row.kwargs else {})
    except NoReverseMatch as exc:
        pytest.fail(f"{pattern.key}: the row's kwargs do not fit the pattern: {exc}")
    data = row.post_data(ctx) if row.post_data else {}
    query = row.query(ctx) if callable(row.query) else row.query
    observed = {"get": {}, "post": {}}
    for role in ROLES:
        for method in ("get", "post"):
            client = client_for(role)
            # Each request runs in a savepoint that is rolled back: one role's POST (removing a
            # member, cancelling a booking) never changes what the next role finds.
            with transaction.atomic():
                if method == "get":
                    response = client.get(url + query)
                else:
                    response = client.post(url + query, data)
                transaction.set_rollback(True)
            observed[method][role] = outcome(response)
    if os.environ.get("PROOF_MATRIX_PRINT"):
        print(f"\n{pattern.key!r}: get={observed['get']}, post={observed['post']}")
    wrong = [
        f"  {method.upper()} {url} as {role}: "
        f"expected {expected[role]}, got {observed[method][role]}"
        for method, expected in (("get", row.get), ("post", row.post))
        for role in ROLES
        if expected[role] != observed[method][role]
    ]
    assert not wrong, "\n".join(wrong) + "\nobserved:\n" + pprint.pformat(observed, width=100)


# --- The admin: one rule for all of its patterns.
# Admins outside the office's own apps (STAFF_APPS), decided one by one (issue #12: staff never
# gain or change the powers or credentials of an account above a citizen's). A library that
# registers a new admin fails test_every_admin_outside_the_offices_apps_is_decided until someone
# decides here what staff may do with it (and, if anything, adds it to roles.STAFF_PERMISSIONS).
OUTSIDE_ADMINS = {
    # Guarded per owner in accounts/admin.py: a citizen's or an official's address, yes.
    "account.EmailAddress": {"changelist": 200, "add": 200},
    # Read every account, change citizens' and officials', never add one (sign-up does).
    "accounts.User": {"changelist": 200, "add": 403},
    # Permission groups are powers: superusers only.
    "auth.Group": {"changelist": 403, "add": 403},
    # Background jobs: staff read them (and may retry or cancel); nobody adds or edits one.
    "procrastinate.ProcrastinateJob": {"changelist": 200, "add": 403},
    # The mail log: staff read it (to help a person who lost a mail); nobody adds or edits it.
    "maillog.SentMail": {"changelist": 200, "add": 403},
    # The domain in every e-mailed link, password resets included: superusers only.
    "sites.Site": {"changelist": 403, "add": 403},
}


def admin_expectation(role: str, model, action: str):
    """Only staff enter the admin; staff see what their permission group allows."""
    if role != "staff":
        return ADMIN_LOGIN
    if (model._meta.label, action) in ADMIN_SPECIAL:
        return ADMIN_SPECIAL[(model._meta.label, action)]
    if model._meta.label in OUTSIDE_ADMINS:
        return OUTSIDE_ADMINS[model._meta.label][action]
    return 200 if model._meta.app_label in STAFF_APPS else 403


ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.django_db
def test_only_staff_enter_the_admin(client_for):
    for role in ROLES:
        expected = 200 if role == "staff" else ADMIN_LOGIN
        assert outcome(client_for(role).get(reverse("admin:index"))) == expected, role


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[m._meta.label for m in ADMIN_MODELS])
def test_admin_lists_and_add_forms_follow_the_staff_permissions(model, client_for):
    opts = model._meta
    wrong = []
    clients = {role: client_for(role) for role in ROLES}
    for action in ("changelist", "add"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}")
        for role, client in clients.items():
            got = outcome(client.get(url))
            expected = admin_expectation(role, model, action)
            model_admin = admin.site._registry[model]
            if role == "staff" and action == "add" and expected == 200:
                # A read-only admin (e.g. records made by the portal itself) refuses adding.
                from django.test import RequestFactory

                fake = RequestFactory().get(url)
                fake.user = client.session and _staff_user(client)
                if not model_admin.has_add_permission(fake):
                    expected = 403
            if got != expected:
                wrong.append(f"{action} as {role}: expected {expected}, got {got}")
    assert not wrong, f"{opts.label}: " + "; ".join(wrong)


def _staff_user(client):
    from accounts.models import User

    return User.objects.get(pk=client.session["_auth_user_id"])


def test_every_admin_outside_the_offices_apps_is_decided():
    undecided = [
        m._meta.label
        for m in ADMIN_MODELS
        if m._meta.app_label not in STAFF_APPS and m._meta.label not in OUTSIDE_ADMINS
    ]
    assert not undecided, (
        "Decide what staff may do in these admins (OUTSIDE_ADMINS here, roles.STAFF_PERMISSIONS): "
        f"{undecided}"
    )
    gone = sorted(set(OUTSIDE_ADMINS) - {m._meta.label for m in ADMIN_MODELS})
    assert not gone, f"OUTSIDE_ADMINS lists admins that are no longer registered: {gone}"


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def _superusers_address():
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.get(user=_superuser())


def _staff_group():
    from django.contrib.auth.models import Group

    return Group.objects.get(name="Staff")


def _job():
    from django.db import connection
    from procrastinate.contrib.django.models import ProcrastinateJob

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) "
            "VALUES ('newsletter', 'newsletter.send_issue', '{\"issue_id\": 1}') RETURNING id"
        )
        return ProcrastinateJob.objects.get(pk=cursor.fetchone()[0])


def _site():
    from django.contrib.sites.models import Site

    return Site.objects.get_current()


def _superusers_mail():
    from django.core.mail import EmailMessage

    from maillog.services import sent_mail_record

    message = EmailMessage("お知らせ", "本文", to=[_superusers_address().email])
    return sent_mail_record(message=message, kind="other", secret=False)[0]


# Staff's answers on one object of each admin outside the office's apps, an object that belongs
# to (or is) a superuser account where the model has an owner: they may read what the changelist
# shows them, never change or delete it. (change GET, change POST, delete GET, delete POST)
OUTSIDE_OBJECTS = {
    "account.EmailAddress": (_superusers_address, (200, 403, 403, 403)),
    "accounts.User": (_superuser, (200, 403, 403, 403)),
    "auth.Group": (_staff_group, (403, 403, 403, 403)),
    "maillog.SentMail": (_superusers_mail, (200, 403, 403, 403)),
    "procrastinate.ProcrastinateJob": (_job, (200, 403, 403, 403)),
    "sites.Site": (_site, (403, 403, 403, 403)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OUTSIDE_OBJECTS))
def test_staff_never_change_or_delete_what_is_above_a_citizen(label, client_for):
    assert set(OUTSIDE_OBJECTS) == set(OUTSIDE_ADMINS)
    make, expected = OUTSIDE_OBJECTS[label]
    obj = make()
    opts = obj._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    client = client_for("staff")
    got = (
        client.get(change).status_code,
        client.post(change, {"email": "attacker@example.net", "name": "x"}).status_code,
        client.get(delete).status_code,
        client.post(delete, {"post": "yes"}).status_code,
    )
    assert got == expected, label
    assert type(obj).objects.filter(pk=obj.pk).exists()
    if label == "accounts.User":
        password = reverse("admin:auth_user_password_change", args=[obj.pk])
        assert client.get(password).status_code == 403


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused(citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    for name in ["my_account", "account_logout", "set_language"]:
        response = client.post(reverse(name), {"language": "en", "full_name": "x"})
        assert response.status_code == 403, name
    anonymous = Client(enforce_csrf_checks=True)
    for name in ["account_login", "account_signup", "account_reset_password"]:
        assert anonymous.post(reverse(name), {}).status_code == 403, name


# --- The admin's decision buttons (issue #14): one row per decision URL in matrix.py.
DECISION_PATTERNS = [p for p in url_patterns() if p.is_admin and (p.name or "").endswith("_decide")]


def test_every_decision_url_of_the_admin_is_in_the_matrix():
    from tests.security.matrix import ADMIN_DECISIONS

    names = {p.name for p in DECISION_PATTERNS}
    missing = sorted(names - set(ADMIN_DECISIONS))
    assert not missing, f"Add to ADMIN_DECISIONS in tests/security/matrix.py: {missing}"
    assert set(ADMIN_DECISIONS) <= names, (
        f"ADMIN_DECISIONS lists URLs that no longer exist: {sorted(set(ADMIN_DECISIONS) - names)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", DECISION_PATTERNS, ids=[p.key for p in DECISION_PATTERNS])
def test_each_role_gets_exactly_the_expected_answer_from_a_decision(pattern, request, client_for):
    from accounts.roles import sync_role_permissions
    from tests.security.matrix import ADMIN_DECISIONS

    sync_role_permissions()
    row = ADMIN_DECISIONS[pattern.name]
    url = reverse(pattern.name, kwargs=row.kwargs(Ctx(request)))
    observed = {"get": {}, "post": {}}
    for role in ROLES:
        for method in ("get", "post"):
            client = client_for(role)
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            observed[method][role] = outcome(response)
    expected = {"get": row.get, "post": row.post}
    assert observed == expected, pprint.pformat(observed, width=100)
