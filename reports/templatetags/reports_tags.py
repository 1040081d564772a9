"""Number formatting for the reports: thousands separators, signed changes, percentages."""

from django import template
from django.utils.translation import gettext as _

from reports.kpis.definitions import format_change, format_change_pct, format_value

register = template.Library()


@register.filter
def kpi_value(value, kpi) -> str:
    """4768 → "4,768"; booked hours keep one decimal; no figure → "—"."""
    return format_value(value, getattr(kpi, "decimals", 0))


@register.filter
def num(value, decimals=0) -> str:
    """A plain number with thousands separators: ``{{ hours|num:1 }}`` → "3,784.0"."""
    return format_value(value, int(decimals))


@register.filter
def signed(value, kpi=None) -> str:
    """A change with its sign: "+144", "−3", "±0"."""
    return format_change(value, getattr(kpi, "decimals", 0))


@register.filter
def signed_pct(value) -> str:
    return format_change_pct(value)


@register.filter
def pct(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}%"


@register.filter
def month_label(day) -> str:
    return _("%(month)s/%(year)s") % {"month": day.month, "year": day.year}
