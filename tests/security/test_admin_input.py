"""Issue #12, finding 7: no input gives a 500, the admin included.

Every changelist in the admin is asked for every one of its filters with a NUL byte and with
garbage (a word where a number or a date belongs, a negative page, an unknown column), and for a
search with a NUL byte. PostgreSQL stores no NUL byte in text, and no browser sends one in a
real form, so the admin answers 400 (in the visitor's language) to any request with a NUL byte in
its path, its query or its form fields, before any view runs; a value the database refuses in
a filter sends staff back to the unfiltered list (Django's ``?e=1``), as Django does for a
filter it knows to be wrong.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
GARBAGE = ["abc", "-1", "99999999999999999999", "2026-13-45", "\x00"]


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def changelist_client(model, staff, superuser) -> tuple[Client, object]:
    """Staff where they may see the list; a superuser for the rest (groups, sites)."""
    request = RequestFactory().get("/")
    request.user = staff
    user = staff if admin.site._registry[model].has_view_permission(request) else superuser
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


def filter_parameters(model, user) -> list[str]:
    """The query parameters of every filter of the model's changelist (and its date drill-down)."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, str):
            names.append(f"{entry}__exact")
        elif isinstance(entry, tuple):
            names.append(f"{entry[0]}__exact")
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return sorted(set(names))


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[m._meta.label for m in ADMIN_MODELS])
def test_no_filter_value_gives_a_500_in_any_changelist(model, staff, superuser):
    client, user = changelist_client(model, staff, superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    queries = [
        f"{name}={quote(value)}" for name in filter_parameters(model, user) for value in GARBAGE
    ]
    queries += [
        "q=%00",
        "q=" + quote("\x00abc"),
        "o=99",
        "o=abc",
        "o=-1.%00",
        "p=-1",
        "p=abc",
        "p=99999",
        "id__exact=abc",
        "pk__in=1,abc",
        "date__gte=notadate",
        "_to_field=password",
        "%00=1",
    ]
    broken = []
    for query in queries:
        # Each request in a savepoint rolled back after it, as the test's transaction would
        # otherwise stay aborted after a query the database refused.
        with transaction.atomic():
            response = client.get(f"{url}?{query}")
            transaction.set_rollback(True)
        if response.status_code >= 500:
            broken.append(f"?{query} -> {response.status_code}")
        elif "%00" in query and response.status_code != 400:
            broken.append(f"?{query} -> {response.status_code} (a NUL byte answers 400)")
    assert not broken, model._meta.label + ":\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[m._meta.label for m in ADMIN_MODELS])
def test_no_selection_of_rows_gives_a_500_in_any_admin_action(model, staff, superuser):
    client, user = changelist_client(model, staff, superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    request = RequestFactory().get(url)
    request.user = user
    actions = list(admin.site._registry[model].get_actions(request))
    broken = []
    for action in actions:
        for selected in ["abc", "-1", "99999999999999999999", "1.5"]:
            with transaction.atomic():
                response = client.post(
                    url, {"action": action, "_selected_action": selected, "index": "0"}
                )
                transaction.set_rollback(True)
            if response.status_code >= 500:
                broken.append(f"{action} with {selected!r} -> {response.status_code}")
    assert not broken, model._meta.label + ":\n  " + "\n  ".join(broken)


def test_a_nul_byte_in_the_admin_is_refused_with_a_clear_message(client_for, citizen):
    client = client_for("staff")
    client.raise_request_exception = False
    for url in [
        "/admin/groups/group/?status__exact=%00",
        "/admin/facilities/booking/?q=a%00b",
        "/admin/events/registration/?status__exact=%00",
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "リクエストを処理できませんでした" in response.content.decode(), url  # in Japanese
    response = client.post(
        reverse("admin:accounts_user_change", args=[citizen.pk]),
        {"email": citizen.email, "full_name": "市民\x00太郎"},
    )
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert "\x00" not in citizen.full_name
    response = client.post(
        "/admin/groups/group/", {"action": "delete_selected", "_selected_action": "\x00"}
    )
    assert response.status_code == 400


def test_the_public_pages_keep_answering_a_nul_byte_with_their_own_message(client):
    # Not the admin's door: the directory's search form says what is wrong, on the page.
    response = client.get("/groups/?q=%00")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_ordinary_requests_pass(client):
    assert client.get("/groups/?q=" + quote("子ども")).status_code == 200
