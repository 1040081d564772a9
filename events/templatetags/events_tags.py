from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

register = template.Library()


def _day(value) -> str:
    # Translators: a date with its weekday, as Django date format characters.
    return date_format(value, _("D j M Y"))


@register.filter
def event_when(event) -> str:
    """ "2026年12月5日(土) 13:30〜15:30", or both days when the event runs over midnight."""
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end)
    if start.date() == end.date():
        return _("%(day)s %(start)s–%(end)s") % {
            "day": _day(start),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
    return _("%(start_day)s %(start)s – %(end_day)s %(end)s") % {
        "start_day": _day(start),
        "start": start.strftime("%H:%M"),
        "end_day": _day(end),
        "end": end.strftime("%H:%M"),
    }


@register.filter
def local_when(value) -> str:
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{_day(value)} {value:%H:%M}"


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
