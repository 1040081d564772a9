"""Approve / decline as buttons on the booking request's and the loan request's own admin page
(issue #14 part 2), through the desk's services; a decided request says so and changes nothing;
a crafted POST by anyone but staff is refused."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import AuditLog
from facilities import services
from facilities.models import Booking, EquipmentLoan
from tests.facilities.factories import at, make_booking, open_day


def _decide(client, obj, key, reason=""):
    name = obj._meta.model_name
    url = reverse(f"admin:facilities_{name}_decide", args=[obj.pk, key])
    return client.post(url, {"reason": reason})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def request_(room, group):
    day = open_day(after=5)
    return make_booking(
        room, at(day, "10:00"), at(day, "12:00"), group=group, status=Booking.Status.REQUESTED
    )


@pytest.mark.django_db
def test_a_booking_request_is_approved_from_its_own_page(client_for, staff_admin, request_, ja):
    admin = client_for("staff")
    change = reverse("admin:facilities_booking_change", args=[request_.pk])
    html = admin.get(change).content.decode()
    assert reverse("admin:facilities_booking_decide", args=[request_.pk, "approve"]) in html
    assert reverse("admin:facilities_booking_decide", args=[request_.pk, "reject"]) in html

    response = _decide(admin, request_, "approve")
    assert response["Location"] == change
    request_.refresh_from_db()
    assert request_.status == Booking.Status.CONFIRMED and request_.decided_by == staff_admin
    assert AuditLog.objects.filter(action="facilities.booking_approve").count() == 1

    # A second click: says so, nothing changes.
    response = _decide(admin, request_, "reject", reason="x")
    assert "何も変更していません" in _messages(response)[-1]
    request_.refresh_from_db()
    assert request_.status == Booking.Status.CONFIRMED
    assert "/decide/" not in admin.get(change).content.decode()


@pytest.mark.django_db
def test_a_booking_request_is_declined_with_a_reason(client_for, staff_admin, request_):
    _decide(client_for("staff"), request_, "reject", reason="その日は清掃が入ります")
    request_.refresh_from_db()
    assert request_.status == Booking.Status.REJECTED
    assert request_.status_reason == "その日は清掃が入ります"


@pytest.mark.django_db
def test_a_loan_request_is_decided_from_its_own_page(
    client_for, staff_admin, group, representative, projector
):
    projector.may_leave_building = True
    projector.requires_approval = True
    projector.save()
    pickup = open_day(after=5, weekday=1)
    loan = services.loan_create(
        actor=representative,
        group=group,
        equipment={projector: 1},
        pickup_date=pickup,
        return_date=pickup + dt.timedelta(days=1),
        purpose="上映会",
    )
    assert loan.status == EquipmentLoan.Status.REQUESTED
    admin = client_for("staff")
    _decide(admin, loan, "reject")  # a reason is needed: nothing happens
    loan.refresh_from_db()
    assert loan.status == EquipmentLoan.Status.REQUESTED
    _decide(admin, loan, "approve")
    loan.refresh_from_db()
    assert loan.status == EquipmentLoan.Status.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "official", "representative"])
def test_a_crafted_decision_by_anyone_but_staff_is_refused(
    client_for, role, request_, representative
):
    assert _decide(client_for(role), request_, "approve").status_code == 403
    request_.refresh_from_db()
    assert request_.status == Booking.Status.REQUESTED
