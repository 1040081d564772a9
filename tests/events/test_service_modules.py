"""The events app reads like the rest of the house (issue #13): its writes live in a package of
modules sized to read, one per capability, that exports the names callers have always used; the
rules the services check live in events.rules and the reads in events.selectors; no module
renames ``Registration.Status``; no import hides inside a function unless it breaks a real
import cycle."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

# The events tests' shared fixtures (cache, site URL) run around every test here too.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Every name other modules import from ``events.services`` (views, admin, demo, commands, tests).
PUBLIC_NAMES = [
    "EventError",
    "RegistrationError",
    "SurveyError",
    "DrawResult",
    "PastRegistration",
    "GUEST_CONFIRM_MINUTES",
    "GUEST_PENDING_PER_CLIENT",
    "GUEST_MAILS_PER_ADDRESS_PER_HOUR",
    "attendance_mark_all",
    "attendance_opens",
    "attendance_record",
    "check_attendance_open",
    "check_event_cancellable",
    "check_office_open",
    "check_registration_open",
    "draw_order",
    "event_after_edit",
    "event_approve",
    "event_book_room",
    "event_cancel",
    "event_propose",
    "event_reject",
    "event_release_room",
    "event_schedule",
    "guest_client_key",
    "guest_confirm_minutes",
    "lotteries_draw_due",
    "lottery_draw",
    "registration_add_by_staff",
    "registration_cancel",
    "registration_confirm_guest",
    "registration_create",
    "registration_create_guest",
    "registrations_record_bulk",
    "registrations_release_expired",
    "reminders_send",
    "survey_send_invitations",
    "survey_submit",
    "surveys_send_due",
    "waitlist_promote",
    "walk_in_add",
    "check_event_status_change",
    "event_deletable",
    "event_delete",
    "event_questions_update",
    "event_status_set",
    "event_unpublish",
    "event_update",
    "registration_update_by_staff",
    "survey_close",
    "survey_deletable",
    "survey_delete",
    "survey_open",
    "survey_update",
    "PastEvent",
    "PastResponse",
    "events_record_bulk",
    "survey_responses_record_bulk",
]


def test_the_services_package_exports_every_name_callers_use():
    from events import services

    missing = [name for name in PUBLIC_NAMES if not hasattr(services, name)]
    assert missing == []
    assert sorted(PUBLIC_NAMES) == sorted(services.__all__)


def test_each_services_module_is_sized_to_read():
    package = ROOT / "events" / "services"
    assert package.is_dir(), "events/services is a package of modules by capability"
    sizes = {p.name: len(p.read_text().splitlines()) for p in package.glob("*.py")}
    assert len(sizes) >= 6
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_the_services_modules_write_and_the_selectors_read():
    """The reads the services make (places taken, the waiting list, a person's live
    registration, what the cron jobs act on) are named in events.selectors; the rules they
    check, and the errors they raise, in events.rules."""
    from events import rules, selectors, services

    for name in [
        "places_taken",
        "waitlist_next_position",
        "live_registration_of",
        "events_to_remind",
        "lotteries_due",
        "surveys_due",
        "events_with_expired_holds",
    ]:
        assert callable(getattr(selectors, name, None)), name
    assert services.RegistrationError is rules.RegistrationError
    assert services.check_registration_open is rules.check_registration_open
    package = ROOT / "events" / "services"
    for path in package.glob("*.py"):
        assert "def check_" not in path.read_text(), f"{path.name}: rules belong in events.rules"


def _python_files(*apps: str):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path.name == "demo.py":
                continue  # demo.py belongs to the demo seeding work
            yield path


def test_no_module_renames_the_registration_status():
    aliased = []
    for path in _python_files("events"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Attribute)
                and ast.unparse(node.value) == "Registration.Status"
            ):
                aliased.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert aliased == []


def _imports_inside_functions(path: Path):
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if func.name == "ready":
            continue  # AppConfig.ready: the app registry must be loaded first (Django's rule)
        for node in ast.walk(func):
            if isinstance(node, ast.Import | ast.ImportFrom):
                before = lines[node.lineno - 2] if node.lineno > 1 else ""
                if "cycle" in lines[node.lineno - 1] or "cycle" in before:
                    continue
                yield f"{path.relative_to(ROOT)}:{node.lineno}"


@pytest.mark.parametrize("app", ["events", "bulletin", "news"])
def test_no_import_hides_inside_a_function_unless_it_breaks_a_cycle(app):
    found = [where for path in _python_files(app) for where in _imports_inside_functions(path)]
    assert found == []


def test_every_services_module_imports_cleanly_on_its_own():
    import events.services as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"events.services.{module.name}")
