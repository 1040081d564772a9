import datetime as dt

from django import template
from django.utils import timezone
from django.utils.http import urlencode

from core import dates
from core.fiscal import FiscalYear

register = template.Library()


@register.filter
def fiscal_year_label(year: int) -> str:
    return FiscalYear(int(year)).label


@register.filter
def html_datetime(value) -> str:
    """``value`` for a ``<time datetime>`` attribute: local time to the second with its offset
    (2026-04-01T09:30:00+09:00), or a date as it is. HTML allows at most three digits of a
    second's fraction, so the microseconds of a recorded moment (``date:"c"``) are dropped."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.filter
def bare_label_tag(field) -> str:
    """A bound field's ``<label>`` without the form's ":" suffix (partials/field.html)."""
    return field.label_tag(label_suffix="")


@register.filter(expects_localtime=True)
def day(value) -> str:
    """「2026年12月7日(月)」 (core.dates)."""
    return dates.day(value)


@register.filter(expects_localtime=True)
def short_day(value) -> str:
    """「12月7日(月)」 (core.dates)."""
    return dates.short_day(value)


@register.filter(expects_localtime=True)
def day_time(value) -> str:
    """「2026年12月7日(月) 9:30」 (core.dates)."""
    return dates.day_time(value)
