"""Shared fixtures of the facilities tests: an open office, rooms and equipment."""

import datetime as dt

import pytest
from django.core.cache import cache

from accounts.roles import sync_role_permissions
from facilities.models import FacilitySettings, OpeningHours
from tests.facilities.factories import EquipmentFactory, RoomFactory


@pytest.fixture(autouse=True)
def office_hours(db):
    """Monday–Saturday 9:00–21:00, Sunday closed (transactional tests flush migration data)."""
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    cache.clear()


@pytest.fixture
def staff_admin(staff):
    """Staff with the Staff group's model permissions.

    accounts syncs the Staff group's permissions on post_migrate of the accounts app, which on a
    fresh test database runs before the facilities permissions exist; sync again here.
    """
    sync_role_permissions()
    return staff


@pytest.fixture
def rules():
    return FacilitySettings.load()


@pytest.fixture
def room(db):
    return RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)


@pytest.fixture
def other_room(db):
    return RoomFactory(name="会議室", slug="kaigishitsu", capacity=20)


@pytest.fixture
def projector(db):
    return EquipmentFactory(name="プロジェクター", quantity=2)


@pytest.fixture
def laptops(db):
    return EquipmentFactory(name="ノートPC", quantity=4)
