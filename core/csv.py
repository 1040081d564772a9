"""The one CSV writer of the portal: every export (groups, bookings, events, reports) uses it.

What every file gets:

- UTF-8 with a byte-order mark, so Excel on Japanese Windows reads the Japanese, and CRLF line
  endings (RFC 4180, and what Excel writes itself).
- ``text/csv; charset=utf-8`` and ``Content-Disposition: attachment`` with the file name; a name
  that is not plain ASCII is also given as an RFC 5987 ``filename*`` (Django's
  ``content_disposition_header``).
- No cell can run as a formula (OWASP's advice on CSV injection): a text cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe,
  so the spreadsheet shows it as text. The full-width ``＝ ＋ － ＠`` that a Japanese input method
  types are treated the same.

Numbers and text are told apart by their Python type, never by how they look:

- ``int``, ``float`` and ``Decimal`` values are numbers the portal computed (a count, a change
  of -25 in a report, 3.5 hours). They are written as numbers, untouched; a ``Decimal`` in plain
  notation (``3.50``, never ``3.5E+1``).
- Anything else (str, lazy translations, dates, model instances) is text and is neutralised,
  even text that looks like a number (a phone number "+81 90…" or "-25" typed in a form).
  What a person typed reaches the writer as text, so it can never slip through as a "number".
- ``None`` is an empty cell.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

Row = Iterable[object]


def safe_cell(value: object) -> str | int | float:
    """The value as the file will hold it: a number untouched, text that cannot run."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Line:
    """A file-like object whose write() hands back the line (for streaming)."""

    def write(self, value: str) -> str:
        return value


class CsvWriter:
    """csv.writer with the portal's dialect and every cell passed through ``safe_cell``."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out, lineterminator=LINE_END)

    def writerow(self, row: Row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.writerow(row)


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The file line by line, the byte-order mark first (for a streaming response)."""
    writer = CsvWriter(_Line())
    yield BOM
    for row in rows:
        yield writer.writerow(row)


def csv_text(rows: Iterable[Row]) -> str:
    """The whole file as text, byte-order mark included."""
    return "".join(csv_lines(rows))


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(filename: str, rows: Iterable[Row]) -> HttpResponse:
    """A download built in memory (small files: a door list, a year's report)."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response.write(BOM)
    writer = CsvWriter(response)
    writer.writerows(rows)
    return _attachment(response, filename)


def csv_streaming_response(filename: str, rows: Iterable[Row]) -> StreamingHttpResponse:
    """A download sent while it is written (rows may be a generator over a large queryset)."""
    return _attachment(StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPE), filename)
