"""The reports' own writes: the KPI targets (目標値) staff set for a fiscal year. Keyword-only,
atomic, audited with the old and new figure; ``ReportError`` carries a message for the form."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import is_office_staff
from core.audit import log_action
from core.fiscal import FiscalYear
from reports.kpis.definitions import BY_KEY
from reports.models import FIRST_REPORT_YEAR, BusinessReport, KpiTarget, ManualFigure


class ReportError(Exception):
    """A rule said no; ``str(error)`` is a translated message for staff."""


def kpi_target_check(*, fiscal_year: int, key: str, target, exclude_pk: int | None = None) -> None:
    """The rules of a target, read only (the admin's form shows their answer before saving)."""
    if key not in BY_KEY:
        raise ReportError(_("Choose one of the indicators."))
    if fiscal_year is None or not FIRST_REPORT_YEAR <= fiscal_year <= 2100:
        raise ReportError(
            _("The fiscal year must be between %(first)d and 2100.") % {"first": FIRST_REPORT_YEAR}
        )
    if target is None or Decimal(target) < 0:
        raise ReportError(_("A target cannot be negative."))
    taken = KpiTarget.objects.filter(fiscal_year=fiscal_year, key=key)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ReportError(_taken_message(fiscal_year, key, "target"))


# --- One figure per fiscal year and KPI: targets (目標値) and hand-entered figures (手入力)
#
# Both are saved and removed the same way: the row locked, the rules checked again under the
# lock, saved (a race on the unique (fiscal_year, key) becomes the rules' message), audited with
# the figure before and after in the same transaction. ``_year_figure_save`` and
# ``_year_figure_delete`` do it for both; each keeps its own audit keys.


def _taken_message(fiscal_year: int, key: str, what: str) -> str:
    if what == "target":
        text = _("%(year)s already has a target for %(kpi)s: change that one instead.")
    else:
        text = _("%(year)s already has a figure for %(kpi)s: change that one instead.")
    return text % {"year": FiscalYear(fiscal_year).label, "kpi": BY_KEY[key].label}


def _year_figure_save(
    *,
    actor,
    model: type[KpiTarget] | type[ManualFigure],
    existing,
    check,
    action: str,
    field: str,
    fiscal_year: int,
    key: str,
    **values,
):
    """Lock ``existing`` (or start a new row), check (``check(exclude_pk=...)`` returns the
    figure to store), save ``values`` with the figure in ``field``, audit ``action``."""
    with transaction.atomic():
        row = (
            model.objects.select_for_update().get(pk=existing.pk)
            if existing is not None and existing.pk
            else None
        )
        number = check(exclude_pk=row.pk if row else None)
        before = (
            {"fiscal_year": row.fiscal_year, "key": row.key, field: str(getattr(row, field))}
            if row
            else {}
        )
        if row is None:
            row = model(fiscal_year=fiscal_year, key=key)
        row.fiscal_year, row.key = fiscal_year, key
        setattr(row, field, number)
        for name, value in values.items():
            setattr(row, name, value)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:  # the same year and indicator saved meanwhile elsewhere
            what = "target" if model is KpiTarget else "figure"
            raise ReportError(_taken_message(fiscal_year, key, what)) from exc
        log_action(
            actor=actor,
            action=action,
            target=row,
            fiscal_year=fiscal_year,
            key=key,
            value=str(Decimal(number)),
            before=before,
        )
    return row


def _year_figure_delete(*, actor, model, existing, action: str, field: str) -> None:
    """Remove ``existing`` (already gone: nothing to do), audited with the figure it held."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=existing.pk).first()
        if row is None:
            return
        log_action(
            actor=actor,
            action=action,
            target=row,
            fiscal_year=row.fiscal_year,
            key=row.key,
            value=str(getattr(row, field)),
        )
        row.delete()


def kpi_target_set(
    *,
    actor,
    fiscal_year: int,
    key: str,
    target,
    note: str = "",
    kpi_target: KpiTarget | None = None,
) -> KpiTarget:
    """Set a target (``kpi_target``: change that one, its year and indicator included)."""
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can set targets."))

    def check(exclude_pk):
        kpi_target_check(fiscal_year=fiscal_year, key=key, target=target, exclude_pk=exclude_pk)
        return target

    return _year_figure_save(
        actor=actor,
        model=KpiTarget,
        existing=kpi_target,
        check=check,
        action="reports.kpi_target_set",
        field="target",
        fiscal_year=fiscal_year,
        key=key,
        note=(note or "").strip(),
    )


def kpi_target_delete(*, actor, kpi_target: KpiTarget) -> None:
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can remove targets."))
    _year_figure_delete(
        actor=actor,
        model=KpiTarget,
        existing=kpi_target,
        action="reports.kpi_target_delete",
        field="target",
    )


# --- Hand-entered figures (手入力, reports.manual)


def _manual_value(value) -> Decimal:
    """A figure staff typed: a number, not negative; otherwise a clear message."""
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(value) if value is not None and value != "" else None
    except (ArithmeticError, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise ReportError(_("Enter the figure as a number, e.g. 4797 or 12.5."))
    if number < 0:
        raise ReportError(_("A figure cannot be negative."))
    if number.as_tuple().exponent < -1:
        raise ReportError(_("Enter the figure with at most one decimal place."))
    if abs(number) >= Decimal("1e13"):
        raise ReportError(_("This figure is too large."))
    return number


def manual_figure_check(
    *, fiscal_year: int, key: str, value, source: str, exclude_pk: int | None = None
) -> Decimal:
    """The rules of a hand-entered figure (the admin's form shows their answer); the number."""
    if key not in BY_KEY:
        raise ReportError(_("Choose one of the indicators."))
    if fiscal_year is None or not FIRST_REPORT_YEAR <= fiscal_year <= 2100:
        raise ReportError(
            _("The fiscal year must be between %(first)d and 2100.") % {"first": FIRST_REPORT_YEAR}
        )
    number = _manual_value(value)
    if not (source or "").strip():
        raise ReportError(_("Say where the figure comes from (its source)."))
    taken = ManualFigure.objects.filter(fiscal_year=fiscal_year, key=key)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ReportError(_taken_message(fiscal_year, key, "figure"))
    return number


def manual_figure_set(
    *,
    actor,
    fiscal_year: int,
    key: str,
    value,
    source: str,
    note: str = "",
    manual_figure: ManualFigure | None = None,
) -> ManualFigure:
    """Enter (or, with ``manual_figure``, change) a past year's figure by hand; audited."""
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can enter figures."))

    def check(exclude_pk):
        return manual_figure_check(
            fiscal_year=fiscal_year, key=key, value=value, source=source, exclude_pk=exclude_pk
        )

    return _year_figure_save(
        actor=actor,
        model=ManualFigure,
        existing=manual_figure,
        check=check,
        action="reports.manual_figure_set",
        field="value",
        fiscal_year=fiscal_year,
        key=key,
        source=(source or "").strip(),
        note=(note or "").strip(),
    )


def manual_figure_delete(*, actor, manual_figure: ManualFigure) -> None:
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can remove figures."))
    _year_figure_delete(
        actor=actor,
        model=ManualFigure,
        existing=manual_figure,
        action="reports.manual_figure_delete",
        field="value",
    )


# --- The business report's narrative (事業報告書, reports.business_report)

NARRATIVE_FIELDS = ("overview", "achievements", "issues", "next_plan")


def business_report_check(*, fiscal_year, exclude_pk: int | None = None) -> None:
    """A narrative is written for a fiscal year that exists: from the office's first report
    year to the current one (the next one, for its plan, is allowed too)."""
    from reports.kpis import current_year

    last = current_year() + 1
    if fiscal_year is None or not FIRST_REPORT_YEAR <= fiscal_year <= last:
        raise ReportError(
            _("There is no fiscal year %(year)s: choose a year from %(first)d to %(last)d.")
            % {"year": fiscal_year, "first": FIRST_REPORT_YEAR, "last": last}
        )
    taken = BusinessReport.objects.filter(fiscal_year=fiscal_year)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ReportError(
            _("%(year)s already has a business report: change that one instead.")
            % {"year": FiscalYear(fiscal_year).label}
        )


def business_report_save(
    *,
    actor,
    fiscal_year: int,
    surveys=(),
    business_report: BusinessReport | None = None,
    **texts,
) -> BusinessReport:
    """Write (or change) a fiscal year's narrative (Markdown) and the surveys it includes."""
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can write the business report."))
    unknown = set(texts) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown sections: {sorted(unknown)}")
    with transaction.atomic():
        row = (
            BusinessReport.objects.select_for_update().get(pk=business_report.pk)
            if business_report is not None and business_report.pk
            else None
        )
        business_report_check(fiscal_year=fiscal_year, exclude_pk=row.pk if row else None)
        created = row is None
        if row is None:
            row = BusinessReport(fiscal_year=fiscal_year)
        row.fiscal_year = fiscal_year
        for name in NARRATIVE_FIELDS:
            if name in texts:
                setattr(row, name, (texts[name] or "").strip())
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            raise ReportError(
                _("%(year)s already has a business report: change that one instead.")
                % {"year": FiscalYear(fiscal_year).label}
            ) from exc
        row.surveys.set(list(surveys))
        log_action(
            actor=actor,
            action="reports.business_report_save",
            target=row,
            fiscal_year=fiscal_year,
            created=created,
            sections=[name for name in NARRATIVE_FIELDS if getattr(row, name)],
        )
    return row
