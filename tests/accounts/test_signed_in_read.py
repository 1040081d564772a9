"""The signed-in person is read on every request (Django's authentication: ``get(pk=…)``), with
one plain statement (issue #20): the same person the ORM reads, a missing one still
``DoesNotExist`` (the request is then anonymous), any other lookup the ORM's."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def values(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_person_read_by_key_is_the_one_the_orm_reads(django_assert_num_queries):
    user = UserFactory(full_name="山田花子", phone="090-0000-0000")
    with django_assert_num_queries(1) as captured:
        read = User.objects.get(pk=user.pk)
    assert captured.captured_queries[0]["sql"].startswith('SELECT "t"."id"')
    assert values(read) == values(User.objects.filter(pk=user.pk).first())
    assert read._state.adding is False


def test_a_missing_person_is_does_not_exist():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654321)


def test_other_lookups_are_the_orms():
    user = UserFactory(email="hanako@example.org")
    assert User.objects.get(email="hanako@example.org") == user
    assert User.objects.get(pk=str(user.pk)) == user
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk="987654321")


def test_a_signed_in_person_whose_account_is_gone_is_signed_out():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert client.get(reverse("my_account")).status_code == 200
    User.objects.filter(pk=user.pk).delete()
    response = client.get(reverse("my_account"))
    assert response.status_code == 302 and "login" in response["Location"]
