"""Past consultations logged in bulk (the demo's years, an earlier notebook): each as
``consultation_save`` logs one, its audit row dated the day it was held, nothing written when a
row breaks a rule."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditLog
from groups import history, services
from groups.models import Consultation

pytestmark = pytest.mark.django_db


def _values(**fields):
    values = {
        "held_on": timezone.localdate() - dt.timedelta(days=30),
        "person_name": "山田 花子",
        "channel": Consultation._meta.get_field("channel").choices[0][0],
        "category": Consultation._meta.get_field("category").choices[0][0],
        "summary": "団体の立ち上げについて",
    }
    values.update(fields)
    return values


def test_consultations_are_logged_with_their_audit_rows_dated_when_held(staff, group):
    rows = [_values(), _values(group=group, person_name="")]
    made = history.consultations_record_bulk(actor=staff, rows=rows)

    assert len(made) == 2
    assert {c.staff_member for c in Consultation.objects.all()} == {staff}
    logged = AuditLog.objects.filter(action="groups.consultation_create")
    assert logged.count() == 2
    assert {timezone.localdate(row.created_at) for row in logged} == {rows[0]["held_on"]}
    assert all("団体の立ち上げ" not in str(row.data) for row in logged)  # never what was said


@pytest.mark.parametrize(
    "fields",
    [{"person_name": ""}, {"held_on": timezone.localdate() + dt.timedelta(days=1)}],
)
def test_a_row_the_service_would_refuse_writes_nothing(staff, fields):
    with pytest.raises(services.GroupError):
        history.consultations_record_bulk(actor=staff, rows=[_values(), _values(**fields)])
    assert not Consultation.objects.exists()
    assert not AuditLog.objects.exists()


def test_only_staff_log_consultations(member):
    with pytest.raises(services.GroupError):
        history.consultations_record_bulk(actor=member, rows=[_values()])
