"""Days are written the Japanese way across the portal: 「2026年12月7日(月)」, not 2026-12-07."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

TOKYO = ZoneInfo("Asia/Tokyo")


def render(source: str, **context) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("ja", "{{ d|day }}", "2026年12月7日(月)"),
        ("ja", "{{ d|short_day }}", "12月7日(月)"),
        ("ja", "{{ moment|day_time }}", "2026年12月7日(月) 9:30"),
        ("en", "{{ d|day }}", "Mon, Dec. 7, 2026"),
        ("en", "{{ d|short_day }}", "Mon, Dec. 7"),
        ("en", "{{ moment|day_time }}", "Mon, Dec. 7, 2026, 9:30"),
    ],
)
def test_a_day_reads_in_the_language_of_the_page(language, source, expected):
    with translation.override(language):
        assert (
            render(
                source, d=dt.date(2026, 12, 7), moment=dt.datetime(2026, 12, 7, 9, 30, tzinfo=TOKYO)
            )
            == expected
        )


def test_a_moment_is_told_in_tokyo_time():
    # 2026-12-07 00:30 UTC is 9:30 the same day in Tokyo; 16:00 UTC is the next day there.
    with translation.override("ja"):
        assert (
            render("{{ m|day_time }}", m=dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC))
            == "2026年12月7日(月) 9:30"
        )
        assert (
            render("{{ m|day }}", m=dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC))
            == "2026年12月8日(火)"
        )


def test_nothing_reads_as_nothing():
    assert render("{{ d|day }}{{ d|short_day }}{{ d|day_time }}", d=None) == ""


def test_mails_and_messages_write_days_the_same_way():
    from core import dates

    with translation.override("ja"):
        assert dates.day(dt.date(2026, 12, 7)) == "2026年12月7日(月)"
        assert dates.day_time(dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC)) == (
            "2026年12月7日(月) 9:30"
        )
    with translation.override("en"):
        assert dates.short_day(dt.date(2026, 12, 7)) == "Mon, Dec. 7"
