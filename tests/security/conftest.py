"""Fixtures for the security tests."""

import pytest

from accounts.roles import sync_role_permissions


@pytest.fixture(autouse=True)
def _staff_permissions(request):
    """Give the Staff group the permissions of every app, as a second `migrate` would.

    accounts' post_migrate hook runs when the accounts app migrates, before the permissions of
    the apps after it exist, so on a fresh database (the test database, a first deployment) the
    Staff group lacks them until `migrate` runs again. Reported; remove when fixed there.
    """
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        sync_role_permissions()
