"""The facilities services are sized to read, named in one scheme (noun_verb) and atomic: a write
and its audit row stand or fall together. Reads are not services."""

import inspect
from pathlib import Path

import pytest
from django.utils import timezone

from core.models import AuditLog
from facilities import selectors, services
from facilities.models import EquipmentLoan, GroupCalendarFeed, WalkInCount
from facilities.services import calendars, desk, loans
from tests.facilities.factories import EquipmentFactory, open_day

PACKAGE = Path(services.__file__).parent
NOUNS = {"booking", "bookings", "series", "loan", "walk", "suspension", "group", "reminders"}


def _public_services():
    return {
        name: value
        for name, value in vars(services).items()
        if inspect.isfunction(value) and not name.startswith("_") and name in services.__all__
    }


def test_each_service_module_is_short_enough_to_read():
    for module in PACKAGE.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 400, module.name


def test_every_service_is_named_noun_then_verb():
    names = set(_public_services()) - {"check_attendees"}  # a rule the forms share, not a write
    assert names
    assert {name.split("_")[0] for name in names} <= NOUNS
    for old in ("loan_refuse", "send_reminders", "can_cancel_in_time", "group_feed"):
        assert not hasattr(services, old), old


def test_reads_live_in_the_selectors_not_in_the_services():
    for read in (
        "equipment_in_use",
        "group_is_suspended",
        "no_shows_in_fiscal_year",
        "booking_window_last_day",
        "booking_opens_on",
        "series_preview",
    ):
        assert callable(getattr(selectors, read)), read
        assert not hasattr(services, read), read


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_down(monkeypatch):
    """The audit row cannot be written: the service's own write must not stay either."""

    def fail(**kwargs):
        raise AuditDown

    for module in (calendars, desk, loans):
        monkeypatch.setattr(module, "log_action", fail)


@pytest.mark.django_db
def test_a_feed_reset_without_its_audit_row_changes_nothing(representative, group, audit_down):
    before = GroupCalendarFeed.objects.get(group=group).token
    with pytest.raises(AuditDown):
        services.group_feed_reset(actor=representative, group=group)
    assert GroupCalendarFeed.objects.get(group=group).token == before
    assert not AuditLog.objects.filter(action="facilities.group_feed_reset").exists()


@pytest.mark.django_db
def test_a_walk_in_count_without_its_audit_row_is_not_kept(staff, audit_down):
    with pytest.raises(AuditDown):
        services.walk_in_set(actor=staff, day=timezone.localdate(), count=7)
    assert not WalkInCount.objects.filter(count=7).exists()


@pytest.mark.django_db
def test_a_declined_loan_without_its_audit_row_stays_a_request(member, staff, group, monkeypatch):
    needs_ok = EquipmentFactory(
        name="音響セット", quantity=1, may_leave_building=True, requires_approval=True
    )
    day = open_day(after=2)
    loan = services.loan_create(
        actor=member,
        group=group,
        pickup_date=day,
        return_date=day,
        purpose="地域のお祭り",
        equipment={needs_ok: 1},
    )
    assert loan.status == EquipmentLoan.Status.REQUESTED

    def fail(**kwargs):
        raise AuditDown

    monkeypatch.setattr(loans, "log_action", fail)
    with pytest.raises(AuditDown):
        services.loan_reject(actor=staff, loan=loan, reason="点検中のため")
    loan.refresh_from_db()
    assert loan.status == EquipmentLoan.Status.REQUESTED
