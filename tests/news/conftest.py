"""Fixtures shared by the publishing tests (news, newsletter, bulletin, home)."""

import pytest
from django.core.cache import cache

from accounts.roles import sync_role_permissions


@pytest.fixture(autouse=True)
def _publishing_db(db):
    """Give the Staff group the permissions of every app, and start with an empty cache.

    accounts' post_migrate hook runs when its own app migrates, before the permissions of apps
    listed after it exist, so a fresh test database's Staff group lacks them: sync again here.
    """
    sync_role_permissions()
    cache.clear()
    yield
    cache.clear()
