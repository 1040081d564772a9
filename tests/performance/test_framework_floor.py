"""What every request pays before its view runs (issue #20: the framework floor)."""

from unittest import mock

import pytest
from django.test import Client

from core import middleware

pytestmark = pytest.mark.django_db


def test_the_admin_prefix_is_reversed_once_not_on_every_request(client):
    client.get("/")
    with mock.patch.object(middleware, "reverse", wraps=middleware.reverse) as reverse:
        for _ in range(5):
            client.get("/groups/")
            client.get("/admin/login/")
    assert reverse.call_count == 0


def test_the_admin_still_refuses_a_nul_byte_and_public_pages_do_not(client):
    assert client.get("/admin/login/", {"next": "a\x00b"}).status_code == 400
    assert client.get("/groups/", {"q": "a\x00b"}).status_code == 200


def test_another_urlconf_gets_its_own_prefix(settings):
    assert middleware.admin_prefix() == "/admin/"
    settings.ROOT_URLCONF = "bench.bare_urls"  # a URLconf without the admin
    assert middleware.admin_prefix() is None
    assert Client().get("/__bench__/floor/").status_code == 200
    settings.ROOT_URLCONF = "kyodo_office.urls"
    assert middleware.admin_prefix() == "/admin/"
