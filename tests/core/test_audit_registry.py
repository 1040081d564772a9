"""Every audit key the code writes is registered, in one naming scheme, and reads as a sentence
in Japanese and in English (issue #14, part 4; core/audit.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from core import audit
from core.audit import UnregisteredAction, action_types, describe, log_action
from core.models import AuditLog
from tests.factories import UserFactory

BASE = Path(settings.BASE_DIR)
APPS = ["accounts", "bulletin", "collaboration", "core", "events", "facilities", "groups",
        "maillog", "news", "newsletter", "pages", "reports"]  # fmt: skip
# <app>.<noun>_<verb>: the app's label, then the service's name.
SCHEME = re.compile(rf"^({'|'.join(APPS)})\.[a-z]+(_[a-z]+)+$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _sources():
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _strings(node) -> list[str] | None:
    """The string values an expression can take, or None when they cannot be read statically."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _assigned(tree, name: str) -> list[str] | None:
    """Values assigned to ``name`` (a variable or a class attribute) anywhere in the module."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if name in targets:
                values = _strings(node.value)
                if values is None:
                    return None
                found += values
    return found or None


def _passed(tree, name: str) -> list[str] | None:
    """Values passed as ``name=...`` to any call in the module: a helper that takes the key as a
    parameter (``_send_resume(..., action="newsletter.issue_send_resume")``) and hands it on."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == name and not isinstance(keyword.value, ast.Name):
                    values = _strings(keyword.value)
                    if values is None:
                        return None
                    found += values
    return found or None


def keys_in_code() -> tuple[dict[str, list[str]], list[str]]:
    """{key: [where]} of every audit key the code writes, and the calls that could not be read."""
    keys: dict[str, list[str]] = {}
    unreadable: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text())
        where = str(path.relative_to(BASE))
        bulk = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in ("log_actions_bulk", "AuditLog", "_copy_audit"):
                bulk = True
            if name != "log_action":
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            values = _strings(action) if action is not None else None
            if values is None and isinstance(action, ast.Name | ast.Attribute):
                values = _assigned(tree, getattr(action, "id", getattr(action, "attr", "")))
            if values is None and isinstance(action, ast.Name):
                values = _passed(tree, action.id)
            if values is None:
                unreadable.append(f"{where}:{node.lineno}")
                continue
            for value in values:
                keys.setdefault(value, []).append(f"{where}:{node.lineno}")
        if bulk and where != "core/audit.py":
            # Services that write audit rows in bulk name their keys as string literals.
            for node in ast.walk(tree):
                value = node.value if isinstance(node, ast.Constant) else None
                if isinstance(value, str) and SCHEME.match(value):
                    keys.setdefault(value, []).append(f"{where}:{node.lineno}")
    return keys, unreadable


def test_the_scan_reads_every_log_action_call():
    keys, unreadable = keys_in_code()
    assert not unreadable, f"log_action with a key the scan cannot read: {unreadable}"
    assert len(keys) > 100  # the scan is not silently empty


def test_every_key_in_the_code_is_registered_and_follows_the_scheme():
    keys, _unreadable = keys_in_code()
    registered = {t.key for t in action_types()}
    missing = {k: w for k, w in keys.items() if k not in registered}
    assert not missing, f"Register these audit keys in the app's audit.py: {missing}"
    off_scheme = sorted(k for k in keys if not SCHEME.match(k))
    assert not off_scheme, f"Audit keys outside <app>.<noun>_<verb>: {off_scheme}"


def test_registered_keys_follow_the_scheme_and_their_app():
    for action_type in action_types():
        assert SCHEME.match(action_type.key), action_type.key


@pytest.mark.parametrize("key", [t.key for t in action_types()])
def test_every_registered_key_reads_in_japanese_and_english(key):
    action_type = audit.action_type(key)
    staff = UserFactory.build(full_name="佐藤", is_staff=True)
    samples = [
        AuditLog(action=key, actor=staff, data={}),
        AuditLog(action=key, actor=None, data={}),
    ]
    with translation.override("en"):
        english = [describe(e) for e in samples]
        english_title = action_type.title()
    with translation.override("ja"):
        japanese = [describe(e) for e in samples]
        japanese_title = action_type.title()
    assert english_title and not JAPANESE.search(english_title), english_title
    assert JAPANESE.search(japanese_title), f"{key}: no Japanese label ({japanese_title})"
    assert english[0].startswith("佐藤 (staff) "), english[0]
    assert japanese[0].startswith("佐藤（スタッフ）が") and japanese[0].endswith("しました"), (
        japanese[0]
    )
    assert JAPANESE.search(japanese[1][: -len("しました")]), japanese[1]  # who, in Japanese too
    assert english[1] != japanese[1]


@pytest.mark.parametrize("key", [t.key for t in action_types() if t.details])
def test_every_detail_has_a_japanese_label(key):
    """Each detail of a key shown with a made-up value reads differently in Japanese (its label is
    translated)."""
    action_type = audit.action_type(key)
    for detail in action_type.details:
        # A value for whatever data key the detail reads (the detail looks one key up).
        entry = AuditLog(action=key, data=_AnyData())
        with translation.override("en"):
            english = detail(entry)
        with translation.override("ja"):
            japanese = detail(entry)
        assert english and japanese and english != japanese, (key, english, japanese)


class _AnyData(dict):
    """Data with a value for every key (``x``), to show each detail."""

    def get(self, key, default=None):
        return ["fiscal_year"] if key in ("fields", "changed", "changes") else "x"

    def __bool__(self):
        return True


def test_the_example_of_the_issue(db):
    staff = UserFactory(full_name="佐藤", is_staff=True)
    entry = AuditLog(action="groups.group_approve", actor=staff,
                     data={"registration_number": "R8-005"})  # fmt: skip
    with translation.override("ja"):
        assert describe(entry) == "佐藤（スタッフ）が登録を承認しました（登録番号 R8-005）"
    with translation.override("en"):
        assert describe(entry) == (
            "佐藤 (staff) approved the registration (registration number R8-005)"
        )


def test_a_key_nobody_registered_is_refused_in_tests_and_debug(db):
    with pytest.raises(UnregisteredAction):
        log_action(actor=None, action="groups.group_teleport")
    assert not AuditLog.objects.exists()


@override_settings(AUDIT_STRICT_KEYS=False)
def test_in_production_an_unregistered_key_is_written_and_reported(db, caplog):
    entry = log_action(actor=None, action="groups.group_teleport")
    assert AuditLog.objects.filter(pk=entry.pk).exists()
    assert "groups.group_teleport" in caplog.text
    with translation.override("ja"):
        assert describe(entry) == "ポータル：groups.group_teleport"


def test_registering_another_meaning_under_a_taken_key_is_an_error():
    from django.core.exceptions import ImproperlyConfigured

    taken = audit.action_type("groups.group_approve")
    audit.register(taken)  # the same again: nothing happens
    with pytest.raises(ImproperlyConfigured):
        audit.register(audit.ActionType("groups.group_approve", "something else"))


def test_details_read_as_people_read_them(db):
    """Stored values read as the portal shows them: a status by its label, a flag by its name, a
    fiscal year in the era, a member's role, how many jobs."""
    from django.contrib.contenttypes.models import ContentType

    from facilities.models import Booking

    booking = ContentType.objects.get_for_model(Booking)
    rows = {
        "created": AuditLog(action="facilities.booking_create", target_type=booking,
                            data={"status": Booking.Status.CONFIRMED}),
        "cancelled": AuditLog(action="facilities.booking_cancel", target_type=booking,
                              data={"reason": "雨天のため", "by_staff": True}),
        "kept": AuditLog(action="facilities.booking_cancel", target_type=booking,
                         data={"reason": "", "by_staff": False}),
        "renewed": AuditLog(action="groups.group_renew", data={"fiscal_year": 2026}),
        "role": AuditLog(action="groups.membership_set_role",
                         data={"user": "tanaka@example.org", "role": "representative"}),
        "resumed": AuditLog(action="newsletter.issue_send_resume",
                            data={"jobs": {"11": "retried", "12": "failed"}}),
    }  # fmt: skip
    with translation.override("ja"):
        read = {name: describe(entry) for name, entry in rows.items()}
    assert read["created"].endswith(f"（状態 {Booking.Status.CONFIRMED.label}）")
    assert "confirmed" not in read["created"]
    assert read["cancelled"].endswith("（理由 雨天のため、オフィスによる）")
    assert read["kept"].endswith("予約を取消しました")  # nothing in brackets
    assert read["renewed"].endswith("（年度 令和8年度 (2026年度)）")
    assert read["role"].endswith("（メンバー tanaka@example.org、役割 管理者）")
    assert read["resumed"].endswith("（送信単位 2）")
