"""Transactional tests pass in any order (issue #20's review; tests/conftest.py,
``_transactional_database_as_a_flush_leaves_it``).

A serialized test (``serialized_rollback=True``) loads the rows the migrations made; a plain
transactional test finds what a flush leaves: the rows post_migrate makes (the Site, the content
types, the permissions, the role groups). Before the fix, a serialized test after a plain one
failed on a duplicate "Staff" group, and a plain one after a serialized one found no Site and no
roles.

pytest runs the classes below in file order (pytest-django puts transactional tests after the
others but keeps their order): serialized, plain, plain, serialized, serialized. So every
passage is here: serialized → plain, plain → plain, plain → serialized, serialized →
serialized, and the first serialized test of a session. The last test asks for no per-test
database, so pytest-django runs it after every database test, as it runs the session's demo
office (tests/fixtures_years.py): it finds the roles and the Site the last serialized test left.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site

from accounts.roles import (
    COMMITTEE_GROUP,
    OFFICIALS_GROUP,
    STAFF_GROUP,
    is_committee_member,
    is_official,
    make_committee_member,
    make_official,
    make_staff,
)
from core.sites import site_domain
from facilities.models import FacilitySettings, OpeningHours
from groups.models import Group as CivicGroup
from tests.factories import GroupFactory, UserFactory

ROLES = [STAFF_GROUP, OFFICIALS_GROUP, COMMITTEE_GROUP]

serialized = pytest.mark.django_db(transaction=True, serialized_rollback=True)
plain = pytest.mark.django_db(transaction=True)


def assert_the_site_and_the_roles():
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == site_domain()
    assert Site.objects.get_current() == site
    assert sorted(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == sorted(
        ROLES
    )
    # The Staff group holds the office's permissions (accounts.roles.sync_role_permissions).
    assert (
        Group.objects.get(name=STAFF_GROUP)
        .permissions.filter(content_type__app_label="facilities")
        .exists()
    )


def assert_people_take_roles_and_the_office_writes():
    """A member of each role, a civic group with its own rows, and a content type that exists."""
    staff, official, committee = UserFactory(), UserFactory(), UserFactory()
    make_staff(staff)
    make_official(official)
    make_committee_member(committee)
    assert staff.has_perm("facilities.change_booking")
    assert is_official(get_user_model().objects.get(pk=official.pk))
    assert is_committee_member(get_user_model().objects.get(pk=committee.pk))
    GroupFactory()
    assert CivicGroup.objects.count() == 1
    content_type = ContentType.objects.get_for_model(CivicGroup)
    assert ContentType.objects.filter(pk=content_type.pk, model="group").exists()


def assert_the_migrations_rows():
    """What only the migrations make (facilities' default rules), which a serialized test has."""
    assert FacilitySettings.objects.exists()
    assert OpeningHours.objects.exists()


@serialized
class TestASerializedTestThenAPlainOne:
    def test_the_serialized_test_finds_the_migrations_rows_once(self):
        assert_the_migrations_rows()
        assert_the_site_and_the_roles()
        assert_people_take_roles_and_the_office_writes()

    @plain
    def test_the_plain_test_after_it_finds_the_site_and_the_roles(self):
        assert_the_site_and_the_roles()
        assert_people_take_roles_and_the_office_writes()


@plain
class TestAPlainTestThenASerializedOne:
    def test_the_plain_test_finds_the_site_and_the_roles(self):
        assert_the_site_and_the_roles()
        assert_people_take_roles_and_the_office_writes()

    @serialized
    def test_the_serialized_test_after_it_loads_without_a_duplicate(self):
        assert_the_migrations_rows()
        assert_the_site_and_the_roles()
        assert_people_take_roles_and_the_office_writes()


@serialized
class TestTwoSerializedTestsInARow:
    def test_the_second_serialized_test_also_loads_without_a_duplicate(self):
        assert_the_migrations_rows()
        assert_the_site_and_the_roles()
        assert_people_take_roles_and_the_office_writes()


def test_after_the_transactional_tests_the_site_and_the_roles_are_there(
    django_db_setup, django_db_blocker
):
    """No per-test database: run after every database test, on what the last one left."""
    with django_db_blocker.unblock():
        assert_the_site_and_the_roles()
