"""The 403 page shows the reason a view gave with PermissionDenied (written for users and
translated where it is raised), the general sentence otherwise, and a way on."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from core.views import permission_denied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GENERAL = "このページを表示する権限がありません"


def _raised(raise_it):
    try:
        raise_it()
    except PermissionDenied as exc:
        return exc
    raise AssertionError("nothing raised")


def _page(exception, user=None):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    response = permission_denied(request, exception)
    assert response.status_code == 403
    return response.content.decode()


def _refuse(message=None):
    raise PermissionDenied(message) if message else PermissionDenied


def test_the_reason_given_is_shown():
    html = _page(_raised(lambda: _refuse("この操作は団体の管理者だけができます。")))
    assert "この操作は団体の管理者だけができます。" in html
    assert GENERAL not in html


def test_without_a_reason_the_general_sentence_is_shown():
    assert GENERAL in _page(_raised(_refuse))
    assert GENERAL in _page(None)


def test_a_librarys_internal_reason_is_not_shown():
    # As Django's CommonMiddleware ("Forbidden user agent") or allauth raise it.
    code = compile(
        "raise PermissionDenied('Forbidden user agent')",
        "/usr/lib/python3/site-packages/somelib/views.py",
        "exec",
    )
    html = _page(_raised(lambda: exec(code, {"PermissionDenied": PermissionDenied})))
    assert "Forbidden user agent" not in html
    assert GENERAL in html


def test_signed_in_people_get_a_link_to_my_page_and_home():
    html = _page(None, user=UserFactory(email="someone@example.org"))
    assert f'href="{reverse("my_account")}"' in html
    assert f'href="{reverse("home")}"' in html


def test_anonymous_visitors_get_the_home_link_only():
    html = _page(None)
    assert f'href="{reverse("my_account")}"' not in html
    assert f'href="{reverse("home")}"' in html
