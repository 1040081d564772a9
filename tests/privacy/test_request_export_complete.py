"""The request's export holds everything the database holds about the person: every row of every
table whose text (a text, character or JSON column) names the person's address or name is in
the export, found by a walk of information_schema over the whole database, not by the registry
(issue 19, done-when). On the demo office (seed_demo: years of data made through the services),
for people of each kind: a group's representative, a member, a citizen with no group, a guest
with no account, a newsletter subscriber with no account, an opinion-box sender."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from core.personal_data_requests import person_report, report_json


@pytest.fixture
def demo(demo_database, django_db_blocker):
    """The session's demo office, read (never written) by the test."""
    with django_db_blocker.unblock():
        yield


DEMO = pytest.mark.usefixtures("demo")

TEXT_TYPES = ("character varying", "text", "character", "json", "jsonb")
# Tables no model of the portal owns, and why they cannot hold a person's text in the clear.
NOT_PORTAL_TABLES = {
    "django_migrations": "the schema's history",
    "django_session": "signed, encoded session data (ended when an account closes)",
    "django_content_type": "model names",
    "django_site": "the portal's own address",
}


def _tables() -> dict[str, tuple[str, list[str]]]:
    """{table: (primary key column, [text columns])} of every table in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s) ORDER BY table_name",
            [list(TEXT_TYPES)],
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
        cursor.execute(
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu "
            "ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema "
            "WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'"
        )
        keys = dict(cursor.fetchall())
    return {t: (keys.get(t), cols) for t, cols in columns.items()}


def rows_naming(needles: list[str]) -> set[tuple[str, str, str]]:
    """(table, primary key, column) of every row whose text contains one of ``needles``."""
    found = set()
    with connection.cursor() as cursor:
        for table, (pk, columns) in _tables().items():
            if table in NOT_PORTAL_TABLES:
                continue
            for column in columns:
                condition = " OR ".join(f'"{column}"::text ILIKE %s' for _ in needles)
                key = f'"{pk}"::text' if pk else "NULL"
                cursor.execute(
                    f'SELECT {key} FROM "{table}" WHERE {condition}',
                    [f"%{n}%" for n in needles],
                )
                for (value,) in cursor.fetchall():
                    found.add((table, value, column))
    return found


def _table_of(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def exported(report) -> set[tuple[str, str]]:
    if report is None:
        return set()
    sections = [*report.sections, *report.named]
    return {(_table_of(r.model), str(r.pk)) for s in sections for r in s.records}


def needles_of(report, email: str) -> list[str]:
    needles = [email]
    user = report.user if report else None
    if user is not None:
        needles += sorted(report.person.emails - {email})
        if user.full_name and len(user.full_name) >= 2:
            needles.append(user.full_name)
        if user.phone:
            needles.append(user.phone)
    return needles


def _people() -> dict[str, str]:
    """One address of each kind of person the demo holds."""
    from events.models import Registration
    from news.models import Opinion
    from newsletter.models import Subscriber

    people = {
        "representative": "rep@example.com",
        "second representative": "rep2@example.com",
        "citizen": "citizen@example.com",
    }
    from groups.models import Membership

    member = (
        Membership.objects.exclude(user__email__endswith=".invalid")
        .exclude(user__email__in=[people["representative"], people["second representative"]])
        .order_by("pk")
        .values_list("user__email", flat=True)
        .first()
    )
    if member:
        people["member"] = member  # of another group (the demo's groups have no plain members)
    guest = (
        Registration.objects.filter(user__isnull=True)
        .exclude(guest_email="")
        .order_by("pk")
        .values_list("guest_email", flat=True)
        .first()
    )
    if guest:
        people["guest"] = guest
    subscriber = (
        Subscriber.objects.exclude(email__endswith=".invalid")
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    if subscriber:
        people["subscriber"] = subscriber
    sender_fields = {f.name for f in Opinion._meta.get_fields()}
    if "email" in sender_fields:
        sender = (
            Opinion.objects.exclude(email="").order_by("pk").values_list("email", flat=True).first()
        )
        if sender:
            people["opinion sender"] = sender
    return people


def test_an_address_nobody_used_finds_nothing(db):
    """(A test with its own database: pytest-django makes the test database for the module.)"""
    assert person_report(email="nobody-at-all@example.com") is None
    assert person_report(email="   ") is None


@DEMO
def test_the_demo_has_people_of_every_kind_to_ask_about():
    people = _people()
    assert {"representative", "citizen", "member", "guest", "subscriber"} <= set(people), people


@DEMO
@pytest.mark.slow
@pytest.mark.parametrize(
    "kind",
    [
        "representative",
        "second representative",
        "citizen",
        "member",
        "guest",
        "subscriber",
        "opinion sender",
    ],
)
def test_the_export_holds_every_row_the_database_holds_about_the_person(kind):
    email = _people().get(kind)
    if email is None:
        pytest.skip(f"the demo holds no {kind}")
    report = person_report(email=email)
    assert report is not None, f"{kind} {email}: the portal says it holds nothing"
    needles = needles_of(report, email)
    in_database = rows_naming(needles)
    missing = sorted(
        (table, pk, column)
        for table, pk, column in in_database
        if (table, pk) not in exported(report)
    )
    assert not missing, (
        f"{kind} ({needles}): rows that name the person but are not in the export "
        f"(table, id, column): {missing[:30]}"
    )
    # The file itself says what the database says: the address is in it, in the clear.
    assert email.encode() in report_json(report)
