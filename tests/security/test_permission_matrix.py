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
def admin_expectation(role: str, model, action: str):
    """Only staff enter the admin; staff see what their permission group allows."""
    if role != "staff":
        return ADMIN_LOGIN
    if (model._meta.label, action) in ADMIN_SPECIAL:
        return ADMIN_SPECIAL[(model._meta.label, action)]
    app_label = model._meta.app_label
    if app_label in STAFF_APPS:
        return 200
    if model._meta.label == "accounts.User" and action == "changelist":
        return 200
    return 403


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
