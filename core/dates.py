"""One way to write a day across the portal (a booking, a meeting, a deadline, in a page or a
mail): the Japanese custom 「2026年12月7日(月)」, not ISO's 2026-12-07. Django's named formats
have no weekday, and its date filter takes no names of our own, so these choose by the active
language; templates use them as the filters of the same names ({% load portal %})."""

import datetime as dt

from django.utils import dateformat, timezone, translation

_FORMATS = {
    "ja": {"day": "Y年n月j日(D)", "short_day": "n月j日(D)", "day_time": "Y年n月j日(D) G:i"},
    "en": {"day": "D, N j, Y", "short_day": "D, N j", "day_time": "D, N j, Y, G:i"},
}


def _format(value, kind: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    language = (translation.get_language() or "ja").split("-")[0]
    return dateformat.format(value, _FORMATS.get(language, _FORMATS["en"])[kind])


def day(value) -> str:
    """「2026年12月7日(月)」 / "Mon, Dec. 7, 2026"."""
    return _format(value, "day")


def short_day(value) -> str:
    """「12月7日(月)」 / "Mon, Dec. 7": where the year is plain (a week, coming bookings)."""
    return _format(value, "short_day")


def day_time(value) -> str:
    """「2026年12月7日(月) 9:30」 / "Mon, Dec. 7, 2026, 9:30"."""
    return _format(value, "day_time")
