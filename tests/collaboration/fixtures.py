"""Fixtures of collaboration (a pytest plugin, listed in tests/conftest.py): the department
official, a role beside the seven others (an official whose account belongs to a department)."""

import pytest

from accounts.roles import make_official
from collaboration import services
from collaboration.models import Partner
from tests.factories import UserFactory


@pytest.fixture
def department(db):
    return Partner.objects.create(name="市民協働課", kind=Partner.Kind.DEPARTMENT)


@pytest.fixture
def other_department(db):
    return Partner.objects.create(name="環境政策課", kind=Partner.Kind.DEPARTMENT)


def _department_official(email: str, department: Partner):
    user = UserFactory(email=email)
    make_official(user)
    services.official_assign(actor=None, user=user, department=department)
    return user


@pytest.fixture
def department_official(department):
    return _department_official("dept@example.org", department)


@pytest.fixture
def other_department_official(other_department):
    return _department_official("dept2@example.org", other_department)
