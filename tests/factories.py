"""Test data factories (factory_boy) shared by every test module."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from groups.models import Area, Group, Membership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"利用者 {n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-2026")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"地区{n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"テスト団体{n}")
    name_kana = factory.Sequence(lambda n: f"てすとだんたい{n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    summary = "地域で活動する市民活動団体です。"
    representative_name = "代表 太郎"
    representative_phone = "0897-00-0000"
    representative_address = "新居浜市一宮町1-1-1"
    status = Group.Status.REGISTERED
    applied_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    registered_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=20))
    registration_number = factory.Sequence(lambda n: f"T-{n:04d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
