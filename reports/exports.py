"""The year's report as a CSV file (key,label,value) and an Excel workbook set up for A4.

The CSV goes through core.csv: figures are written as numbers (a change of -1 stays -1), labels
as text that cannot run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.csv import csv_text
from reports.charts import year_label
from reports.kpis.definitions import BY_KEY, RATE, room_headings, with_unit

CSV_HEADER = ("key", "label", "value")


def report_csv_rows(report) -> Iterator[list]:
    """The header, then (key, label, value) for every KPI, breakdown and room.

    Values are numbers (4768, Decimal 12.5, -1); a missing figure is an empty cell."""
    yield list(CSV_HEADER)
    for key, label, value in report.rows():
        yield [key, label, value]


def trend_csv_rows(report) -> Iterator[list]:
    """Every fiscal year side by side: key,label and one column per fiscal year, headed by its
    key (2017, 2018...); the next row, key ``fiscal_year``, labels each column in the reports'
    one style ("令和7年度 (2025年度)", the running year marked "年度途中")."""
    yield ["key", "label", *[str(year) for year in report.years]]
    yield [
        "fiscal_year",
        pgettext("report", "Fiscal year"),
        *[year_label(year, report.current_year) for year in report.years],
    ]
    for row in report.rows:
        yield [row.kpi.key, row.kpi.label, *[cell.figure for cell in row.cells]]
        if any(cell.manual for cell in row.cells):
            # Which figures were entered by hand (手入力), and from where.
            yield [
                f"{row.kpi.key}.entered_by_hand",
                _("%(kpi)s: entered by hand, source") % {"kpi": row.kpi.label},
                *[cell.manual.source if cell.manual else "" for cell in row.cells],
            ]


def report_csv(report) -> str:
    """The whole file as text (UTF-8 byte-order mark and CRLF included)."""
    return csv_text(report_csv_rows(report))


def trend_csv(report) -> str:
    return csv_text(trend_csv_rows(report))


# --- Excel

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="E4EBE1")
THIN = Side(style="thin", color="9AA39A")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
INTEGER = "#,##0"
ONE_DECIMAL = "#,##0.0"
PERCENT = '0.0"%"'


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _format_for(kpi) -> str:
    if kpi.kind == RATE:
        return PERCENT
    return ONE_DECIMAL if kpi.decimals else INTEGER


def _print_setup(ws: Worksheet, title: str, *, landscape: bool, header_rows: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_title_rows = header_rows
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = date_format(timezone.localdate(), "DATE_FORMAT")


def _header(ws: Worksheet, row: int, values: list[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = WRAP


def _title(ws: Worksheet, title: str, subtitle: str) -> None:
    ws["A1"] = title
    ws["A1"].font = TITLE
    ws["A2"] = subtitle


def report_xlsx(report) -> bytes:
    wb = Workbook()
    title = _("Kyodo Office annual report %(year)s") % {"year": report.fy.label}
    if report.is_current:
        subtitle = _("Fiscal year in progress: figures as of %(date)s.") % {
            "date": date_format(report.today, "DATE_FORMAT")
        }
    else:
        subtitle = _("April 1 %(start)s – March 31 %(end)s (Asia/Tokyo).") % {
            "start": report.year,
            "end": report.year + 1,
        }

    # Sheet 1: KPIs with target, achievement and the year before.
    ws = wb.active
    ws.title = pgettext("report", "KPIs")[:31]
    _title(ws, title, subtitle)
    headers = [
        pgettext("report", "Key"),
        pgettext("report", "Indicator"),
        pgettext("report", "Unit"),
        pgettext("report", "Actual"),
        pgettext("report", "Target"),
        pgettext("report", "Achievement (%)"),
        # The running year is compared with the same period of the year before, to the day.
        (
            _("Same period last year, %(period)s") % {"period": report.previous_same_period_label}
            if report.is_current
            else report.previous_fy.label
        ),
        pgettext("report", "Change"),
        pgettext("report", "Change (%)"),
    ]
    if report.is_current:
        headers += [
            pgettext("report", "Pro-rata target to date"),
            pgettext("report", "Progress (%)"),
            _("This year, %(period)s") % {"period": report.same_period_label},
        ]
    _header(ws, 4, headers)
    row = 5
    for figure in report.figures:
        kpi = figure.kpi
        label = str(kpi.label)
        if figure.manual:
            # A figure entered by hand (手入力), as the page marks it, with its source.
            label = _("%(label)s (entered by hand; source: %(source)s)") % {
                "label": label,
                "source": figure.manual.source,
            }
        values = [
            kpi.key,
            label,
            str(kpi.unit),
            _number(figure.value),
            _number(figure.target),
            _number(figure.achievement),
            _number(figure.previous),
            _number(figure.change),
            _number(figure.change_pct),
        ]
        if report.is_current:
            values += [
                _number(figure.prorata_target),
                _number(figure.progress),
                _number(figure.same_period),
            ]
        number_format = _format_for(kpi)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BOX
            if col in (4, 5, 7, 8, 10, 12):
                cell.number_format = number_format
            elif col in (6, 9, 11):
                cell.number_format = PERCENT
        row += 1
    for breakdown in report.breakdowns:
        row += 1
        ws.cell(row=row, column=1, value=breakdown.title).font = BOLD
        row += 1
        for key, label, value in breakdown.rows:
            ws.cell(row=row, column=1, value=key)
            ws.cell(row=row, column=2, value=label)
            ws.cell(row=row, column=4, value=value).number_format = INTEGER
            row += 1
    widths = (26, 34, 8, 12, 12, 12, 16, 12, 11, 14, 11, 16)
    for col, width in zip(range(1, 13), widths, strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C5"
    _print_setup(ws, title, landscape=True, header_rows="4:4")

    # Sheet 2: month by month (KPIs down, months across, the year's figure last).
    ws = wb.create_sheet(pgettext("report", "Monthly")[:31])
    _title(ws, title, _("Month by month. Year-end levels are shown at the end of each month."))
    months = [month for month, _values in report.months]
    _header(
        ws,
        4,
        [
            pgettext("report", "Indicator"),
            *[
                f"{m.year}/{m.month:02d}" + (_(" (to day %(day)s)") % {"day": report.today.day})
                if state == "current"
                else f"{m.year}/{m.month:02d}"
                for m, state in report.month_columns
            ],
            report.total_label(),
        ],
    )
    for row, line in enumerate(report.monthly_rows, start=5):
        # Each indicator with its figures' unit, as on the page: 「利用者数（人）」.
        label = with_unit(line["kpi"].label, line["kpi"].unit)
        ws.cell(row=row, column=1, value=label).border = BOX
        number_format = _format_for(line["kpi"])
        # A month not begun says so (「—」, as on the page), never 0 or an empty cell.
        states = [state for _m, state in report.month_columns]
        values = [
            "—" if state == "future" else value
            for value, state in zip(line["months"], states, strict=True)
        ]
        for col, value in enumerate([*values, line["total"]], start=2):
            cell = ws.cell(row=row, column=col, value=_number(value))
            cell.number_format = number_format
            cell.border = BOX
    ws.column_dimensions["A"].width = 30
    for col in range(2, len(months) + 3):
        ws.column_dimensions[get_column_letter(col)].width = 10
    ws.freeze_panes = "B5"
    _print_setup(ws, title, landscape=True, header_rows="4:4")

    # Sheet 3: rooms.
    ws = wb.create_sheet(pgettext("report", "Rooms")[:31])
    _title(ws, title, _("Utilisation = booked hours ÷ opening hours of the year."))
    # The page's headings, each with its unit (the rate's sheet cells are plain numbers: ％).
    _header(
        ws,
        4,
        [pgettext("report", "Room"), *room_headings()[:-1], pgettext("report", "Utilisation (%)")],
    )
    for row, room in enumerate(report.rooms, start=5):
        values = [
            room["name"],
            room["bookings_used"],
            room["bookings_cancelled"],
            room["bookings_no_show"],
            room["users"],
            _number(room["booked_hours"]),
            _number(room["open_hours"]),
            _number(room["utilisation_rate"]),
        ]
        formats = [None, INTEGER, INTEGER, INTEGER, INTEGER, ONE_DECIMAL, ONE_DECIMAL, PERCENT]
        for col, (value, number_format) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BOX
            if number_format:
                cell.number_format = number_format
    ws.column_dimensions["A"].width = 28
    for col in range(2, 9):
        ws.column_dimensions[get_column_letter(col)].width = 14
    _print_setup(ws, title, landscape=False, header_rows="4:4")

    _breakdown_sheet(wb, report, title)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _breakdown_sheet(wb: Workbook, report, title: str) -> None:
    """Sheet 4: the breakdowns by activity field, area and group (``reports.breakdowns``)."""
    d = report.details
    ws = wb.create_sheet(pgettext("report", "Breakdowns")[:31])
    _title(ws, title, _("By activity field, area and group"))
    row = 4
    # Each column with its unit, as on the page: 「年度末（団体）」, 「交流会参加者数（人）」.
    groups, people = BY_KEY["registered_groups_end"].unit, BY_KEY["event_participants"].unit
    register_headers = [
        with_unit(pgettext("report", "At year end"), groups),
        with_unit(pgettext("report", "New"), groups),
        with_unit(pgettext("report", "Withdrawn"), groups),
    ]
    use_headers = [
        with_unit(pgettext("report", "Bookings used"), BY_KEY["bookings_used"].unit),
        pgettext("report", "Users (headcount)"),
        with_unit(pgettext("report", "Exchange meeting participants"), people),
        with_unit(pgettext("report", "Event participants"), people),
    ]
    tables = [
        (
            caption,
            [
                pgettext("report", "Activity field")
                if "field" in key
                else pgettext("report", "Area"),
                *register_headers,
            ],
            [[r["name"], r["end"], r["new"], r["withdrawn"]] for r in rows],
        )
        for caption, rows, key in d.register_tables
    ]
    tables.append(
        (
            _("Facility use and event participants by activity field"),
            [pgettext("report", "Activity field"), *use_headers],
            [
                [
                    r["name"],
                    r["bookings_used"],
                    r["users"],
                    r.get("exchange_participants", 0),
                    r.get("event_participants", 0),
                ]
                for r in d.by_field
            ],
        )
    )
    for caption, groups, _key in d.group_tables:
        tables.append(
            (
                caption,
                [pgettext("report", "Group"), *use_headers, pgettext("report", "Activity")],
                [
                    [
                        g.name,
                        g.bookings_used,
                        g.users,
                        g.exchange_participants,
                        g.event_participants,
                        g.activity,
                    ]
                    for g in groups
                ],
            )
        )
    for caption, headers, lines in tables:
        ws.cell(row=row, column=1, value=caption).font = BOLD
        row += 1
        _header(ws, row, headers)
        row += 1
        for line in lines:
            for col, value in enumerate(line, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                cell.border = BOX
                if col > 1:
                    cell.number_format = INTEGER
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 34
    for col in range(2, 8):
        ws.column_dimensions[get_column_letter(col)].width = 14
    _print_setup(ws, title, landscape=False, header_rows="1:2")
