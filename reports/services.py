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
from reports.models import FIRST_REPORT_YEAR, KpiTarget


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
        raise ReportError(
            _("%(year)s already has a target for %(kpi)s: change that one instead.")
            % {"year": FiscalYear(fiscal_year).label, "kpi": BY_KEY[key].label}
        )


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
    note = (note or "").strip()
    with transaction.atomic():
        row = (
            KpiTarget.objects.select_for_update().get(pk=kpi_target.pk)
            if kpi_target is not None and kpi_target.pk
            else None
        )
        kpi_target_check(
            fiscal_year=fiscal_year, key=key, target=target, exclude_pk=row.pk if row else None
        )
        before = (
            {"fiscal_year": row.fiscal_year, "key": row.key, "target": str(row.target)}
            if row
            else {}
        )
        if row is None:
            row = KpiTarget(fiscal_year=fiscal_year, key=key)
        row.fiscal_year, row.key, row.target, row.note = fiscal_year, key, target, note
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:  # the same target set meanwhile in another tab
            raise ReportError(
                _("%(year)s already has a target for %(kpi)s: change that one instead.")
                % {"year": FiscalYear(fiscal_year).label, "kpi": BY_KEY[key].label}
            ) from exc
        log_action(
            actor=actor,
            action="reports.kpi_target_set",
            target=row,
            fiscal_year=fiscal_year,
            key=key,
            value=str(Decimal(target)),
            before=before,
        )
    return row


def kpi_target_delete(*, actor, kpi_target: KpiTarget) -> None:
    if not is_office_staff(actor):
        raise ReportError(_("Only office staff can remove targets."))
    with transaction.atomic():
        row = KpiTarget.objects.select_for_update().filter(pk=kpi_target.pk).first()
        if row is None:
            return
        log_action(
            actor=actor,
            action="reports.kpi_target_delete",
            target=row,
            fiscal_year=row.fiscal_year,
            key=row.key,
            value=str(row.target),
        )
        row.delete()
