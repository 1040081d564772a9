"""Roles: after the very first migrate, the Staff group holds every app's permissions."""

import pytest
from django.contrib.auth.models import Group, Permission


@pytest.mark.django_db
def test_staff_group_holds_permissions_of_apps_listed_after_accounts():
    staff = Group.objects.get(name="Staff")
    held = set(staff.permissions.values_list("content_type__app_label", flat=True))
    assert {"groups", "facilities", "events", "newsletter", "bulletin", "reports"} <= held


@pytest.mark.django_db
def test_officials_may_view_reports_and_nothing_staff_can():
    officials = Group.objects.get(name="Officials")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in officials.permissions.all()}
    assert perms == {"reports.view_reports"}
    assert Permission.objects.filter(group__name="Staff").count() > 50
