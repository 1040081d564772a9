"""Fiscal years (年度): April 1 – March 31 in Asia/Tokyo, labelled in both calendars.

A fiscal year is named by the calendar year in which it starts: FY2025 runs from 2025-04-01 to
2026-03-31 and is labelled "令和7年度 (2025年度)". FY2019 began under Heisei and ended under Reiwa
(the era changed on 2019-05-01); its label names both, "平成31年度/令和元年度 (2019年度)", and its
short era code (used in registration numbers) is the later era's, "R1", as municipalities did.
An era that begins in January–March (Heisei, 1989-01-08) does not rename the fiscal year
already under way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, Func, IntegerField

TOKYO = ZoneInfo("Asia/Tokyo")

# (first day of the era, Japanese name, one-letter code)
ERAS = [
    (dt.date(2019, 5, 1), "令和", "R"),
    (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"),
]


def _era_year_text(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年度"


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The Asia/Tokyo calendar date of a datetime (aware or naive-as-Tokyo) or a date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TOKYO)
        return value.date()
    return value


def fiscal_year_of(value: dt.date | dt.datetime) -> int:
    day = local_date(value)
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class FiscalYear:
    year: int

    @classmethod
    def of(cls, value: dt.date | dt.datetime) -> FiscalYear:
        return cls(fiscal_year_of(value))

    @classmethod
    def current(cls) -> FiscalYear:
        return cls.of(dt.datetime.now(TOKYO))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the year (aware, Asia/Tokyo)."""
        return dt.datetime(self.year, 4, 1, tzinfo=TOKYO)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the year (exclusive bound)."""
        return dt.datetime(self.year + 1, 4, 1, tzinfo=TOKYO)

    def _eras(self) -> list[tuple[str, str, int]]:
        """The eras that name this fiscal year: the one in force on April 1, and one that began
        later in the same calendar year (Reiwa, 2019-05-01, names FY2019 "令和元年度")."""
        eras = []
        for start, name, code in ERAS:
            if self.first_day < start <= dt.date(self.year, 12, 31):
                eras.append((name, code, self.year - start.year + 1))
            elif start <= self.first_day:
                eras.append((name, code, self.year - start.year + 1))
                break
        return list(reversed(eras))

    @property
    def era_code(self) -> str:
        """Short era year for numbering, e.g. "R7"; FY2019 is "R1"."""
        _name, code, year = self._eras()[-1]
        return f"{code}{year}"

    @property
    def japanese_label(self) -> str:
        return "/".join(_era_year_text(name, year) for name, _code, year in self._eras())

    @property
    def label(self) -> str:
        return f"{self.japanese_label} ({self.year}年度)"

    def months(self) -> list[dt.date]:
        """The first day of each of the twelve months, April first."""
        return [dt.date(self.year + (m < 4), m, 1) for m in [*range(4, 13), 1, 2, 3]]

    def __str__(self) -> str:
        return self.label


class FiscalYearOf(Func):
    """SQL: the fiscal year (April–March, Asia/Tokyo) of a date or datetime column.

    ``Booking.objects.annotate(fy=FiscalYearOf("start")).values("fy").annotate(n=Count("pk"))``
    groups rows by fiscal year in one query.
    """

    output_field = IntegerField()

    def __init__(self, expression, **extra):
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        source = self.source_expressions[0]
        field = getattr(source, "output_field", None)
        if isinstance(field, DateTimeField):
            template = (
                "CAST(EXTRACT(YEAR FROM ((%(expressions)s AT TIME ZONE 'Asia/Tokyo')"
                " - INTERVAL '3 months')) AS integer)"
            )
        else:
            template = "CAST(EXTRACT(YEAR FROM (%(expressions)s - INTERVAL '3 months')) AS integer)"
        return super().as_sql(compiler, connection, template=template, **extra_context)
