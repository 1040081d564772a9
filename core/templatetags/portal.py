import datetime as dt

from django import template
from django.template import defaultfilters
from django.utils import timezone, translation
from django.utils.http import urlencode

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


# One way to write a day across the portal (a booking, a meeting, a deadline): the Japanese
# custom 「2026年12月7日(月)」, not ISO's 2026-12-07. Django's named formats have no weekday,
# and its date filter takes no names of our own, so these filters choose by the active language.
_DAY_FORMATS = {
    "ja": {"day": "Y年n月j日(D)", "short_day": "n月j日(D)", "day_time": "Y年n月j日(D) G:i"},
    "en": {"day": "D, N j, Y", "short_day": "D, N j", "day_time": "D, N j, Y, G:i"},
}


def _format_day(value, kind: str) -> str:
    if value in (None, ""):
        return ""
    language = (translation.get_language() or "ja").split("-")[0]
    formats = _DAY_FORMATS.get(language, _DAY_FORMATS["en"])
    return defaultfilters.date(value, formats[kind])


@register.filter(expects_localtime=True)
def day(value) -> str:
    """「2026年12月7日(月)」 / "Mon, Dec. 7, 2026"."""
    return _format_day(value, "day")


@register.filter(expects_localtime=True)
def short_day(value) -> str:
    """「12月7日(月)」 / "Mon, Dec. 7": where the year is plain from the page (a week, a list of
    coming bookings)."""
    return _format_day(value, "short_day")


@register.filter(expects_localtime=True)
def day_time(value) -> str:
    """「2026年12月7日(月) 9:30」 / "Mon, Dec. 7, 2026, 9:30"."""
    return _format_day(value, "day_time")
