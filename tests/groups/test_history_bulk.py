"""Staff record groups' earlier years at once (the old paper register, the demo): every step is
checked as the per-row services check it, and a wrong history writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from core.fiscal import FiscalYear
from core.models import AuditLog
from groups import services
from groups.models import Group, GroupRenewal, Membership
from tests.factories import UserFactory

NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 12, 0))


def _history(name, **kwargs):
    return services.GroupHistory(
        representative=kwargs.pop("representative", None) or UserFactory(),
        data={"name": name, "name_kana": "てすと", "summary": "テスト"},
        applied_at=kwargs.pop("applied_at", timezone.make_aware(dt.datetime(2023, 4, 10, 10))),
        **kwargs,
    )


@pytest.mark.django_db
def test_a_past_life_is_recorded_with_numbers_renewals_and_dated_audit_rows(staff):
    groups = services.group_histories_create_bulk(
        actor=staff,
        now=NOW,
        histories=[
            _history(
                "川の会",
                approved_on=dt.date(2023, 5, 1),
                renewals={2024: timezone.make_aware(dt.datetime(2024, 4, 20, 10))},
                withdrawn_on=dt.date(2025, 8, 1),
                withdrawn_reason="活動を終了",
            ),
            _history("山の会"),
        ],
    )
    river, mountain = (Group.objects.get(pk=g.pk) for g in groups)
    assert river.status == Group.Status.WITHDRAWN
    assert river.registration_number == f"{FiscalYear(2023).era_code}-001"
    assert set(GroupRenewal.objects.filter(group=river).values_list("fiscal_year", flat=True)) == {
        2023,
        2024,
    }
    assert mountain.status == Group.Status.APPLIED and not mountain.registration_number
    assert Membership.objects.filter(role="representative").count() == 2
    actions = list(
        AuditLog.objects.filter(target_id=str(river.pk))
        .order_by("created_at")
        .values_list("action", flat=True)
    )
    assert actions == [
        "groups.group_apply",
        "groups.group_approve",
        "groups.group_renew",
        "groups.group_withdraw",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "wrong",
    [
        {"withdrawn_on": dt.date(2023, 4, 1), "withdrawn_reason": "x", "approved_on": None},
        {"approved_on": dt.date(2023, 5, 1), "withdrawn_on": dt.date(2023, 4, 20),
         "withdrawn_reason": "x"},
        {"approved_on": dt.date(2023, 5, 1), "withdrawn_on": dt.date(2024, 1, 1)},
        {"approved_on": dt.date(2023, 4, 1)},
        {"approved_on": dt.date(2027, 1, 1)},
        {"approved_on": dt.date(2023, 5, 1), "rejected_reason": "営利目的"},
        {"renewals": {2024: timezone.make_aware(dt.datetime(2024, 5, 1))}},
        {"approved_on": dt.date(2023, 5, 1), "withdrawn_on": dt.date(2024, 1, 1),
         "withdrawn_reason": "x", "renewals": {2024: timezone.make_aware(dt.datetime(2024, 5, 1))}},
    ],
)  # fmt: skip
def test_a_history_the_services_would_refuse_writes_nothing(staff, wrong):
    fine = _history("森の会", approved_on=dt.date(2023, 5, 1))
    with pytest.raises(services.GroupError):
        services.group_histories_create_bulk(
            actor=staff, now=NOW, histories=[fine, _history("川の会", **wrong)]
        )
    assert not Group.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="groups.group_").exists()


@pytest.mark.django_db
def test_a_name_already_on_the_register_is_refused(staff, group):
    with pytest.raises(services.GroupError):
        services.group_histories_create_bulk(
            actor=staff, now=NOW, histories=[_history(group.name.upper())]
        )


@pytest.mark.django_db
def test_many_activity_records_are_checked_and_dated_when_posted(group, representative):
    from groups.models import ActivityRecord

    records = services.activity_records_create_bulk(
        now=NOW,
        records=[
            ActivityRecord(
                group=group,
                held_on=dt.date(2025, 5, 3),
                title=" 清掃 ",
                body="参加者10人",
                created_by=representative,
            )
        ],
    )
    (record,) = ActivityRecord.objects.filter(pk=records[0].pk)
    assert record.title == "清掃"
    assert timezone.localdate(record.created_at) == dt.date(2025, 5, 3)
    entry = AuditLog.objects.get(action="groups.activity_record_create", target_id=str(record.pk))
    assert entry.actor == representative and entry.created_at == record.created_at


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["future", "withdrawn"])
def test_an_activity_record_the_form_would_refuse_writes_nothing(group, representative, wrong):
    from groups.models import ActivityRecord

    held_on = dt.date(2026, 6, 2) if wrong == "future" else dt.date(2026, 5, 1)
    if wrong == "withdrawn":
        Group.objects.filter(pk=group.pk).update(status=Group.Status.WITHDRAWN)
    with pytest.raises(services.GroupError):
        services.activity_records_create_bulk(
            now=NOW,
            records=[ActivityRecord(group=group, held_on=held_on, title="x", body="y")],
        )
    assert not ActivityRecord.objects.exists()
