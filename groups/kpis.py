"""The groups app's figures for the reports (composed by ``reports.kpis``).

The register: the register at year end, new registrations, withdrawals, net change. One query
groups the register by (fiscal year of registration, fiscal year of withdrawal); every year's
figures follow from that small table. A group is on the register at the end of a year when it was
registered on or before the year's last day and not withdrawn by then (withdrawn_on after the
last day or empty), as ``Group.objects.registered_at(day)`` says.

Consultations with citizen groups (相談対応), with their split by channel and by category: one
query per period, grouped by (fiscal year, channel, category).

Within ``reading(Register())`` (a year's report, issue #20) the register's yearly and monthly
figures, those to a day and the breakdowns by field and area are all counted from one read of
the register (every group ever registered, a few thousand rows) instead of a query each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Case, Count, DateField, IntegerField, Q, Value, When
from django.db.models.functions import TruncMonth

from core.fiscal import FiscalYear, FiscalYearOf, fiscal_year_of
from core.kpis import (
    MonthReading,
    choice_labels,
    cutoff_day,
    date_period_filter,
    empty_months,
    last_counted_day,
    left_after_cutoff,
    month_key,
    months_read_for,
    months_read_holding,
    year_range,
)
from groups.models import ActivityField, Area, Consultation, Group

REGISTER_KEYS = ("registered_groups_end", "new_registrations", "withdrawals", "net_change")
CONSULTATION_KEYS = ("consultations",)
CONSULTATION_DIMENSIONS = ("channel", "category")


def _register(first: int | None, last: int):
    qs = Group.objects.filter(
        registered_on__isnull=False, registered_on__lte=last_counted_day(last)
    )
    if first is not None:
        # Groups that left before the period change none of its figures.
        qs = qs.exclude(withdrawn_on__lt=FiscalYear(first).first_day)
    return qs


def _withdrawal_year():
    """The fiscal year of withdrawal; none for a withdrawal after a ``counted_until`` day."""
    after = left_after_cutoff("withdrawn_on")
    if not after:
        return FiscalYearOf("withdrawn_on")
    return Case(
        When(Q(**after), then=Value(None)),
        default=FiscalYearOf("withdrawn_on"),
        output_field=IntegerField(),
    )


def _yearly_rows(first: int | None, last: int) -> list[tuple[int, int | None, int]]:
    """(fiscal year of registration, fiscal year of withdrawal, groups) of the register."""
    read = _REGISTER.get()
    if read is not None:
        return read.yearly_rows(first, last)
    return list(
        _register(first, last)
        .values(reg=FiscalYearOf("registered_on"), wd=_withdrawal_year())
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("reg", "wd", "n")
    )


def register_yearly(*, first: int | None, last: int) -> dict[int, dict[str, int]]:
    rows = _yearly_rows(first, last)
    result = {}
    for fy in year_range(first, last, (reg for reg, _wd, _n in rows)):
        end = sum(n for reg, wd, n in rows if reg <= fy and (wd is None or wd > fy))
        new = sum(n for reg, _wd, n in rows if reg == fy)
        gone = sum(n for _reg, wd, n in rows if wd == fy)
        result[fy] = {
            "registered_groups_end": end,
            "new_registrations": new,
            "withdrawals": gone,
            "net_change": new - gone,
        }
    return result


def _monthly_rows(fy: FiscalYear) -> list[tuple]:
    """(month of registration within the year, None: registered before it; month of
    withdrawal within the year, None: not withdrawn by its end; groups)."""
    read = _REGISTER.get()
    if read is not None:
        return read.monthly_rows(fy)
    return list(
        _register(fy.year, fy.year)
        .values(
            rm=Case(
                When(registered_on__gte=fy.first_day, then=TruncMonth("registered_on")),
                output_field=DateField(),
            ),
            wm=Case(
                When(withdrawn_on__lte=fy.last_day, then=TruncMonth("withdrawn_on")),
                output_field=DateField(),
            ),
        )
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rm", "wm", "n")
    )


def register_monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, REGISTER_KEYS)
    rows = [(month_key(rm), month_key(wm), n) for rm, wm, n in _monthly_rows(fy)]
    for month, figures in months.items():
        figures["registered_groups_end"] = sum(
            n for rm, wm, n in rows if (rm is None or rm <= month) and (wm is None or wm > month)
        )
        figures["new_registrations"] = sum(n for rm, _wm, n in rows if rm == month)
        figures["withdrawals"] = sum(n for _rm, wm, n in rows if wm == month)
        figures["net_change"] = figures["new_registrations"] - figures["withdrawals"]
    return months


def _consultation_rows(group, first: int | None, last: int) -> list[dict]:
    return list(
        Consultation.objects.filter(**date_period_filter("held_on", first, last))
        .values(*CONSULTATION_DIMENSIONS, fy=group("held_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )


def _consultations_by_bucket(read: MonthReading) -> dict:
    """The consultations of ``read``'s years by the bucket of their month: every figure a sum."""
    rows = _consultation_rows(lambda field: read.bucket(field, is_date=True), read.first, read.last)
    return _consultation_figures(rows, {row["fy"] for row in rows})


def consultations_yearly(*, first: int | None, last: int) -> dict[int, dict]:
    read = months_read_for(first, last)
    if read is not None:
        # A year's report: its years from the months read once.
        summed = read.yearly(read.rows("consultations", _consultations_by_bucket), first, last)
        return {fy: summed.get(fy, {"consultations": 0}) for fy in range(first, last + 1)}
    rows = _consultation_rows(FiscalYearOf, first, last)
    return _consultation_figures(rows, year_range(first, last, (r["fy"] for r in rows)))


def _consultation_figures(rows: list[dict], groups) -> dict:
    dims = CONSULTATION_DIMENSIONS
    result = {fy: {"consultations": 0} for fy in groups}
    for row in rows:
        figures = result.get(row["fy"])
        if figures is None:
            continue
        figures["consultations"] += row["n"]
        for dim in dims:
            key = f"consultations.{dim}.{row[dim]}"
            figures[key] = figures.get(key, 0) + row["n"]
    return result


def consultations_monthly(fy: FiscalYear) -> dict:
    months = empty_months(fy, CONSULTATION_KEYS)
    read = months_read_holding(fy.year)
    if read is not None:
        rows = read.rows("consultations", _consultations_by_bucket)
        for month, figures in read.monthly(rows, fy).items():
            months[month]["consultations"] = figures["consultations"]
        return months
    rows = (
        Consultation.objects.filter(**date_period_filter("held_on", fy.year, fy.year))
        .values(month=TruncMonth("held_on"))
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    for month, n in rows:
        months[month_key(month)]["consultations"] = n
    return months


def consultation_labels() -> dict[str, dict[str, str]]:
    """{"consultations.channel": {value: label}, "consultations.category": {...}}."""
    return {
        f"consultations.{dim}": choice_labels(Consultation, dim) for dim in CONSULTATION_DIMENSIONS
    }


# --- Breakdowns of the register (issue 17 part 1)


def _on_register_at(day, path: str = "") -> Q:
    """Groups on the register at the end of ``day`` (``path`` leads to them)."""
    return Q(**{f"{path}registered_on__isnull": False, f"{path}registered_on__lte": day}) & (
        Q(**{f"{path}withdrawn_on__isnull": True}) | Q(**{f"{path}withdrawn_on__gt": day})
    )


def register_by(fy: FiscalYear, dimension: str) -> list[dict]:
    """The register of ``fy`` by activity field (``"field"``) or area (``"area"``), one query:
    [{"name", "end", "new", "withdrawn"}] in the fields' (areas') order. ``end``: groups on the
    register on the year's last day (as the KPI "registered groups at year end"); ``new`` and
    ``withdrawn``: registrations and withdrawals dated in the year. A group in two fields counts
    in both; a group with none is in no row."""
    model = ActivityField if dimension == "field" else Area
    period = {"gte": fy.first_day, "lte": fy.last_day}
    rows = model.objects.annotate(
        end=Count("groups", filter=_on_register_at(fy.last_day, "groups__"), distinct=True),
        new=Count(
            "groups",
            filter=Q(
                groups__registered_on__gte=period["gte"], groups__registered_on__lte=period["lte"]
            ),
            distinct=True,
        ),
        withdrawn=Count(
            "groups",
            filter=Q(
                groups__registered_on__isnull=False,
                groups__withdrawn_on__gte=period["gte"],
                groups__withdrawn_on__lte=period["lte"],
            ),
            distinct=True,
        ),
    ).order_by("order", "pk")
    return [
        {
            "slug": row.slug,
            "name": row.name,
            "end": row.end,
            "new": row.new,
            "withdrawn": row.withdrawn,
        }
        for row in rows
    ]


def registered_groups(fy: FiscalYear) -> list[dict]:
    """The groups on the register at the end of ``fy`` (or of any day of it): [{"id", "name",
    "slug"}] by name, one query; what the most and least active groups are chosen from."""
    within = Q(registered_on__isnull=False, registered_on__lte=fy.last_day) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=fy.first_day)
    )
    return list(Group.objects.filter(within).order_by("name", "pk").values("id", "name", "slug"))


def _with_groups(model) -> list[dict]:
    rows = model.objects.annotate(
        ids=ArrayAgg("groups__id", filter=Q(groups__isnull=False))
    ).order_by("order", "pk")
    return [{"slug": row.slug, "name": row.name, "groups": row.ids or []} for row in rows]


def fields_with_groups() -> list[dict]:
    """Every activity field in its order with its groups: [{"slug", "name", "groups": [group
    ids]}], one query. The year's figures by field are summed from those by group through it
    (``facilities.kpis.use_by_field_from``, ``events.kpis.participants_by_field_from``,
    ``register_by_from``; a group in two fields counts in both), instead of a join of every
    field to every group's rows per figure (issue #20)."""
    return _with_groups(ActivityField)


def areas_with_groups() -> list[dict]:
    """``fields_with_groups`` for the areas."""
    return _with_groups(Area)


class Register:
    """Every group ever registered, read in one query when first needed: ``rows`` as (id,
    name, slug, registered_on, withdrawn_on) by name. Within ``reading(register)`` the
    register's yearly and monthly figures (to a ``counted_until`` day too) are counted from
    these rows, the same as their own queries give; the breakdowns by field and area and the
    year's groups read them too (``register_by_from``, ``registered_groups_from``)."""

    @cached_property
    def rows(self) -> list[tuple]:
        # Tuples, not dicts: a few thousand rows, read back faster.
        return list(
            Group.objects.filter(registered_on__isnull=False)
            .order_by("name", "pk")
            .values_list("id", "name", "slug", "registered_on", "withdrawn_on")
        )

    @cached_property
    def _dates(self) -> list[tuple]:
        """(registered_on, withdrawn_on, groups): the groups by their two dates, a third as many
        as the groups, each with its fiscal years worked out once (issue #20)."""
        pairs = Counter((row[3], row[4]) for row in self.rows)
        return [
            (
                registered_on,
                withdrawn_on,
                n,
                fiscal_year_of(registered_on),
                None if withdrawn_on is None else fiscal_year_of(withdrawn_on),
            )
            for (registered_on, withdrawn_on), n in pairs.items()
        ]

    def _counted(self, first: int | None, last: int) -> Iterator[tuple]:
        """The ``_dates`` of the groups ``_register(first, last)`` selects."""
        until = last_counted_day(last)
        since = FiscalYear(first).first_day if first is not None else None
        for dates in self._dates:
            registered_on, withdrawn_on = dates[0], dates[1]
            if registered_on > until:
                continue
            if since is not None and withdrawn_on is not None and withdrawn_on < since:
                continue
            yield dates

    def yearly_rows(self, first: int | None, last: int) -> list[tuple[int, int | None, int]]:
        """``_yearly_rows``'s query counted here: a withdrawal after the ``counted_until`` day
        is none yet (``_withdrawal_year``)."""
        cut = cutoff_day()
        counts = Counter()
        for _registered_on, withdrawn_on, n, reg, wd in self._counted(first, last):
            if cut is not None and withdrawn_on is not None and withdrawn_on > cut:
                wd = None
            counts[reg, wd] += n
        return [(reg, wd, n) for (reg, wd), n in counts.items()]

    def monthly_rows(self, fy: FiscalYear) -> list[tuple]:
        """``_monthly_rows``'s query counted here."""
        first, last = fy.first_day, fy.last_day
        counts = Counter()
        for registered_on, withdrawn_on, n, _reg, _wd in self._counted(fy.year, fy.year):
            rm = registered_on.replace(day=1) if registered_on >= first else None
            wm = (
                withdrawn_on.replace(day=1)
                if withdrawn_on is not None and withdrawn_on <= last
                else None
            )
            counts[rm, wm] += n
        return [(rm, wm, n) for (rm, wm), n in counts.items()]


_REGISTER: ContextVar[Register | None] = ContextVar("groups_kpis_register", default=None)


@contextmanager
def reading(register: Register) -> Iterator[Register]:
    """Within the block, ``register_yearly`` and ``register_monthly`` count from ``register``'s
    rows instead of a query each."""
    token = _REGISTER.set(register)
    try:
        yield register
    finally:
        _REGISTER.reset(token)


def register_rows() -> list[tuple]:
    """Every group ever registered (``Register.rows``), one query; what ``register_by_from``
    and ``registered_groups_from`` read."""
    return Register().rows


def register_by_from(fy: FiscalYear, members: list[dict], groups: list[tuple]) -> list[dict]:
    """``register_by`` from the fields' (or areas') groups and ``register_rows``, no query:
    the same rows."""
    first, last = fy.first_day, fy.last_day
    dates = {
        pk: (registered_on, withdrawn_on) for pk, _n, _s, registered_on, withdrawn_on in groups
    }
    result = []
    for row in members:
        end = new = withdrawn = 0
        for pk in row["groups"]:
            if pk not in dates:
                continue  # never registered: in no count
            registered_on, withdrawn_on = dates[pk]
            end += registered_on <= last and (withdrawn_on is None or withdrawn_on > last)
            new += first <= registered_on <= last
            withdrawn += withdrawn_on is not None and first <= withdrawn_on <= last
        result.append(
            {
                "slug": row["slug"],
                "name": row["name"],
                "end": end,
                "new": new,
                "withdrawn": withdrawn,
            }
        )
    return result


def registered_groups_from(fy: FiscalYear, groups: list[tuple]) -> list[dict]:
    """``registered_groups`` from ``register_rows``, no query: the same rows, in their order."""
    first, last = fy.first_day, fy.last_day
    return [
        {"id": pk, "name": name, "slug": slug}
        for pk, name, slug, registered_on, withdrawn_on in groups
        if registered_on <= last and (withdrawn_on is None or withdrawn_on >= first)
    ]
