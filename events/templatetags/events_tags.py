from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from core import dates

register = template.Library()


def _time(value) -> str:
    """「9:30」, as the portal writes a time (``|time:"G:i"``, core.dates)."""
    return date_format(value, "G:i")


@register.filter
def event_when(event) -> str:
    """ "2026年12月5日(土) 13:30〜15:30", or both days when the event runs over midnight."""
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end)
    if start.date() == end.date():
        return _("%(day)s %(start)s–%(end)s") % {
            "day": dates.day(start),
            "start": _time(start),
            "end": _time(end),
        }
    return _("%(start_day)s %(start)s – %(end_day)s %(end)s") % {
        "start_day": dates.day(start),
        "start": _time(start),
        "end_day": dates.day(end),
        "end": _time(end),
    }


@register.filter
def local_when(value) -> str:
    """「2026年12月15日(火) 12:00」 (core.dates.day_time)."""
    if not value:
        return ""
    return dates.day_time(value)


@register.filter
def month_label(value) -> str:
    # Translators: a month, as Django date format characters.
    return date_format(value, _("F Y"))


@register.filter
def answer_label(value: str) -> str:
    if value == "yes":
        return _("yes")
    if value == "no":
        return _("no")
    return value
