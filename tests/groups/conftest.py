"""Fixtures for the groups tests: a clean cache (rate limits), on-commit mail, uploads."""

import importlib
from functools import partial

import pytest
from django.core.cache import cache

from accounts.roles import sync_role_permissions
from groups.models import ActivityField, Area


@pytest.fixture(autouse=True)
def _npo_fields(db):
    """The 20 NPO-law fields of migration 0002 (a transactional test elsewhere may have
    flushed them)."""
    from django.apps import apps

    add_fields = importlib.import_module("groups.migrations.0002_npo_law_fields").add_fields
    if ActivityField.objects.count() < 20:
        add_fields(apps, None)
    # After a flush, post_migrate syncs the Staff group before the groups app's permissions
    # exist again; give them back so staff may use the groups admin.
    from django.contrib.auth.models import Group as PermissionGroup

    staff = PermissionGroup.objects.filter(name="Staff").first()
    if staff is None or not staff.permissions.filter(content_type__app_label="groups").exists():
        sync_role_permissions()


@pytest.fixture(autouse=True)
def _clean_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """``with on_commit(): ...`` runs what the code deferred to the commit (e-mails)."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def areas(db):
    return [
        Area.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
        for i, (slug, name) in enumerate(
            [("kawanishi", "川西"), ("kawahigashi", "川東"), ("jobu", "上部")], start=1
        )
    ]
