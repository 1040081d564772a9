"""The personal-data registry: every personal field of every model is declared, and each
declaration can find a person's rows and its expired rows."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from core import personal_data
from core.audit import action_type
from core.models import AuditLog, RetentionSettings
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory


def test_every_model_field_that_looks_personal_is_declared_or_exempt():
    assert personal_data.undeclared() == []


def test_each_holding_names_real_fields_and_a_known_retention():
    for h in personal_data.holdings():
        model = apps.get_model(h.model)
        names = {f.name for f in model._meta.get_fields()}
        assert set(h.fields) <= names, h.key
        assert set(h.replace) <= names, h.key
        assert h.retention is None or h.retention in personal_data.RETENTION
        assert str(h.what) and str(h.why) and str(h.who_sees)


def test_every_retention_kind_is_a_setting_staff_can_change():
    settings_row = RetentionSettings()
    for kind in personal_data.RETENTION.values():
        assert settings_row.days(kind.key) == kind.days


@pytest.mark.django_db
def test_every_holding_can_find_a_person_and_its_expired_rows():
    user = UserFactory(email="hanako@example.com")
    person = personal_data.Person.of_user(user)
    for h in personal_data.holdings():
        list(h.rows_of(person)[:1])
        if h.retention:
            list(h.expired(timezone.now()).filter(h.pending_q())[:1])


@pytest.mark.django_db
def test_a_person_is_found_by_address_in_every_holding_that_holds_them():
    user = UserFactory(email="hanako@example.com", full_name="山田花子")
    event = EventFactory()
    RegistrationFactory(event=event, user=user, guest_name="", guest_email="")
    RegistrationFactory(event=event, guest_name="山田花子", guest_email="Hanako@Example.com")
    found = {
        f.holding.key: f
        for f in personal_data.find(personal_data.Person.of_email("HANAKO@example.com"))
    }
    assert {
        "accounts.account",
        "accounts.email_address",
        "events.guest",
        "events.registration",
    } <= set(found)
    assert found["events.guest"].values()[0]["guest_email"] == "Hanako@Example.com"


@pytest.mark.django_db
def test_a_request_for_an_unknown_address_finds_nothing():
    assert personal_data.find(personal_data.Person.of_email("nobody@example.org")) == []


@pytest.mark.django_db
def test_erasing_a_person_anonymises_keeps_the_records_and_is_audited(staff):
    user = UserFactory(email="hanako@example.com", full_name="山田花子", phone="090-1111-2222")
    event = EventFactory()
    mine = RegistrationFactory(event=event, user=user, guest_name="", guest_email="")
    guest = RegistrationFactory(
        event=event, guest_name="山田花子", guest_email="hanako@example.com"
    )
    counts = personal_data.erase(
        personal_data.Person.of_user(user), actor=staff, reason="asked at the desk"
    )
    user.refresh_from_db()
    guest.refresh_from_db()
    assert user.email.endswith("@closed.invalid") and not user.is_active
    assert user.phone == "" and "山田" not in user.full_name
    assert guest.guest_email == "" and guest.guest_name != "山田花子"
    assert Registration.objects.filter(pk__in=[mine.pk, guest.pk]).count() == 2
    assert counts["events.guest"] == 1 and counts["accounts.account"] == 1
    entry = AuditLog.objects.get(action="core.personal_data_erase")
    assert entry.actor == staff and "山田" not in entry.target_repr
    assert action_type("core.personal_data_erase") is not None
    # Twice: nothing more to do.
    again = personal_data.erase(personal_data.Person.of_user(user), actor=staff)
    assert "accounts.account" not in again and "events.guest" not in again


def test_the_suppression_hash_is_keyed_and_ignores_case(settings):
    a = personal_data.suppressed_address(" Hanako@Example.com ")
    assert a == personal_data.suppressed_address("hanako@example.com")
    assert a.endswith("@suppressed.invalid") and "hanako" not in a
    settings.SUPPRESSION_HASH_KEY = "another key"
    assert personal_data.suppressed_address("hanako@example.com") != a


@pytest.mark.django_db
def test_the_dry_run_counts_without_changing(capsys):
    from django.core.management import call_command

    RegistrationFactory(
        event=EventFactory(
            start=timezone.now() - dt.timedelta(days=800),
            end=timezone.now() - dt.timedelta(days=800, hours=-2),
        )
    )
    call_command("core_personal_data_retain", "--dry-run")
    assert "events.guest: 1 due" in capsys.readouterr().out
    assert Registration.objects.exclude(guest_email="").count() == 1
