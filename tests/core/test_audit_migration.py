"""Old history reads the same way: core's migration 0003 renames the audit rows written under the
three old naming schemes (``group.apply``, ``event.register``, ``facilities.booking_used``...)
to the one scheme, and back when reversed (issue #14, part 4)."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import translation

from core.audit import action_type, describe
from core.models import AuditLog
from tests.factories import GroupFactory

migration = importlib.import_module("core.migrations.0003_audit_action_keys")


def test_every_old_key_becomes_a_registered_key():
    for old, new in migration.OLD_TO_NEW.items():
        assert action_type(new) is not None, f"{old} → {new} is not registered"


def test_old_rows_are_renamed_and_read_as_sentences(db, staff):
    group = GroupFactory()
    old = AuditLog.objects.create(
        actor=staff, action="group.approve", target_repr=str(group),
        data={"registration_number": "R8-005"},
    )  # fmt: skip
    others = [AuditLog.objects.create(action=key) for key in ("event.register",
              "facilities.booking_used", "membership.join", "newsletter.send")]  # fmt: skip
    kept = AuditLog.objects.create(action="facilities.booking_create")  # already in the scheme

    migration.forwards(apps, None)

    old.refresh_from_db()
    assert old.action == "groups.group_approve"
    assert [AuditLog.objects.get(pk=o.pk).action for o in others] == [
        "events.registration_create",
        "facilities.booking_record_usage",
        "groups.invitation_accept",
        "newsletter.issue_send",
    ]
    assert AuditLog.objects.get(pk=kept.pk).action == "facilities.booking_create"
    with translation.override("ja"):
        assert describe(old).endswith("が登録を承認しました（登録番号 R8-005）")

    migration.backwards(apps, None)
    old.refresh_from_db()
    assert old.action == "group.approve"
    assert AuditLog.objects.get(pk=others[0].pk).action == "event.register"


def test_the_mapping_is_one_to_one():
    assert len(set(migration.OLD_TO_NEW.values())) == len(migration.OLD_TO_NEW)
    assert not set(migration.OLD_TO_NEW) & set(migration.OLD_TO_NEW.values())
