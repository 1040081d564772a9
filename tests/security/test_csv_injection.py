"""CSV exports: nothing a person typed can run as a spreadsheet formula (issue #12, finding 3).

A group, room, equipment, guest, answer or question named like a formula comes out of every
export with a leading apostrophe, so Excel or LibreOffice shows it as text. Numbers the portal
computed (a change of -1 in a report) stay numbers. One writer in ``core`` makes every CSV.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from events.models import Answer, Question, RegistrationAnswer, RegistrationQuestion, Response
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
)
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day
from tests.factories import GroupFactory
from tests.reports.factories import booking as report_booking
from tests.reports.factories import registered_group, tokyo
from tests.reports.factories import room as report_room

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def read(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, so Excel in Japan reads UTF-8"
    assert "\r\n" in text, "CRLF line endings"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


def assert_neutralised(rows: list[list[str]], payload: str) -> None:
    everything = cells(rows)
    assert "'" + payload in everything, (payload, rows)
    assert payload not in everything, (payload, rows)


def assert_no_cell_can_run(rows: list[list[str]]) -> None:
    """Every cell is either a plain number or text that does not start like a formula."""
    for cell in cells(rows):
        if cell.startswith(DANGEROUS_STARTS):
            Decimal(cell)  # raises when the cell is not a plain number


# --- The writer itself


def test_the_writer_neutralises_text_and_keeps_numbers():
    from core.csv import csv_text

    text = csv_text(
        [
            ["name", "change", "rate", "exact", "none", "date"],
            [
                '=HYPERLINK("http://x","y")',
                -25,
                -1.5,
                Decimal("-3.50"),
                None,
                dt.date(2026, 1, 15),
            ],
            ["-25", "+81 90", "@home", "\t=1", "\r=1", "ok"],
            ["＝1+1", "＋1", "－1", "＠SUM(A1)", "a=1", ""],
        ]
    )
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', "-25", "-1.5", "-3.50", "", "2026-01-15"]
    # Text that merely looks like a number is text someone typed: it is neutralised too.
    assert rows[2] == ["'-25", "'+81 90", "'@home", "'\t=1", "'\r=1", "ok"]
    # Full-width signs (typed with a Japanese input method) are treated like their ASCII twins.
    assert rows[3] == ["'＝1+1", "'＋1", "'－1", "'＠SUM(A1)", "a=1", ""]


def test_the_download_has_a_type_a_byte_order_mark_and_a_safe_file_name():
    from core.csv import csv_response, csv_streaming_response

    response = csv_response("会議室-予約.csv", [["a", "=1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert (
        "filename*=utf-8''%E4%BC%9A%E8%AD%B0%E5%AE%A4-%E4%BA%88%E7%B4%84.csv"
        in (response["Content-Disposition"])
    )
    assert read(response) == [["a", "'=1"]]
    streamed = csv_streaming_response('x".csv', iter([["=1"], [2]]))
    assert streamed["Content-Disposition"] == 'attachment; filename="x\\".csv"'
    assert read(streamed) == [["'=1"], ["2"]]


def _project_modules():
    """The project's .py files: not the tests, not core (the one writer), not installed code."""
    skip = {".venv", "node_modules", "tests", "core", "build", "dist", "media", "staticfiles"}
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (here == ROOT and d in skip)]
        for name in files:
            if name.endswith(".py"):
                yield here / name


def test_no_module_outside_core_writes_csv_by_hand():
    """A fifth hand-written writer (without the formula guard) fails here."""
    offenders = []
    for path in _project_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(name == "csv" or name.startswith("csv.") for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], "write CSV through core.csv"


# --- The events: door list and survey answers


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_the_door_list_csv_neutralises_names_groups_answers_and_questions(client_for, payload):
    event = EventFactory(slug="meeting")
    question = RegistrationQuestion.objects.create(
        event=event, text=payload, kind=RegistrationQuestion.Kind.TEXT, order=1
    )
    group = GroupFactory(name=payload)  # stored trimmed: "\t=1" becomes "=1"
    registration = RegistrationFactory(event=event, guest_name=payload, group=group)
    RegistrationAnswer.objects.create(registration=registration, question=question, value=payload)
    response = client_for("staff").get(reverse("events:door_list_csv", args=[event.slug]))
    rows = read(response)
    assert rows[0][-1] == "'" + payload  # the question
    assert rows[1][1] == "'" + payload  # the guest's name
    assert rows[1][3] == "'" + group.name  # the group
    assert rows[1][-1] == "'" + payload  # the answer
    assert_no_cell_can_run(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_the_survey_answers_csv_neutralises_groups_and_answers(client_for, payload):
    survey = SurveyFactory(slug="answers")
    text = QuestionFactory(survey=survey, text=payload, kind=Question.Kind.LONG_TEXT)
    choice = QuestionFactory(
        survey=survey, text="分野", kind=Question.Kind.MULTIPLE, options=f"{payload}\n環境"
    )
    group = GroupFactory(name=payload)
    response_row = Response.objects.create(survey=survey, group=group)
    Answer.objects.create(response=response_row, question=text, text=payload)
    Answer.objects.create(response=response_row, question=choice, choices=[payload, "環境"])
    response = client_for("staff").get(reverse("events:survey_results_csv", args=[survey.slug]))
    rows = read(response)
    assert rows[0][3] == "'" + payload
    assert rows[1][2:] == ["'" + group.name, "'" + payload, "'" + payload + " / 環境"]
    assert_no_cell_can_run(rows)


# --- The admin's bookings export


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_the_bookings_export_neutralises_groups_rooms_equipment_and_purpose(client_for, payload):
    day = open_day()
    room = RoomFactory(name=payload)
    equipment = EquipmentFactory(name=payload, quantity=2)
    group = GroupFactory(name=payload)
    booking = make_booking(
        room,
        at(day, "10:00"),
        at(day, "12:00"),
        group=group,
        purpose=payload,
        equipment={equipment: 1},
    )
    response = client_for("staff").post(
        reverse("admin:facilities_booking_changelist"),
        {"action": "export_csv", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 200
    rows = read(response)
    row = rows[1]
    assert row[5] == "'" + payload  # room
    assert row[6] == "'" + group.name  # group
    assert row[9] == "'" + payload  # purpose
    assert row[14] == "'" + payload + "×1"  # equipment
    assert_no_cell_can_run(rows)


# --- The groups: the public directory and the admin's export


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_the_directory_csv_neutralises_what_groups_write(client, payload):
    group = GroupFactory(name=payload, summary=payload, offers=payload, needs=payload)
    rows = read(client.get(reverse("groups:directory_csv")))
    assert rows[1][1] == "'" + group.name
    for text in (group.summary, group.offers, group.needs):
        assert_neutralised(rows, text)
    assert_no_cell_can_run(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("payload", FORMULAS)
def test_the_admin_group_export_neutralises_the_private_contact_too(client_for, payload):
    group = GroupFactory(
        name="子ども食堂", representative_name=payload, representative_phone=payload
    )
    response = client_for("staff").post(
        reverse("admin:groups_group_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [group.pk],
            "apply": "1",
            "columns": ["name", "representative_name", "representative_phone"],
        },
    )
    rows = read(response)
    assert rows[1] == [
        "子ども食堂",
        "'" + group.representative_name,
        "'" + group.representative_phone,
    ]
    assert_no_cell_can_run(rows)


# --- The reports: numbers stay numbers, names cannot run


@pytest.fixture
def report_year(db, monkeypatch):
    monkeypatch.setattr("reports.annual.report_today", lambda: dt.date(2026, 1, 15))
    # FY2024: one group withdrew, none joined: the net change is -1, a number.
    registered_group(dt.date(2020, 4, 1), withdrawn_on=dt.date(2024, 12, 1))
    hall = report_room(name='=HYPERLINK("http://x","y")')
    report_booking(hall, tokyo(2024, 5, 1, 10), tokyo(2024, 5, 1, 12), headcount=15)
    return hall


@pytest.mark.django_db
def test_the_year_report_csv_keeps_a_negative_change_a_number(client_for, report_year):
    rows = read(client_for("official").get("/reports/annual/2024.csv"))
    values = {row[0]: row for row in rows[1:]}
    assert values["net_change"][2] == "-1"
    assert values["booked_hours.room." + report_year.slug][2] == "2.0"
    assert_no_cell_can_run(rows)


@pytest.mark.django_db
def test_the_all_years_csv_keeps_a_negative_change_a_number(client_for, report_year):
    rows = read(client_for("official").get("/reports/annual.csv"))
    header = rows[0]
    values = {row[0]: row for row in rows[1:]}
    assert values["net_change"][header.index("2024")] == "-1"
    assert_no_cell_can_run(rows)
