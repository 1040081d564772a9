"""The week grid's legend explains every state a cell can show, in the cells' own words (QA: a
half-hour gap before a booking read 「予約前の間隔（予約不可）」 and a gap too short to book
「空き（短いため予約不可）」, and the legend explained neither)."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.facilities.factories import at, make_booking

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = dt.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, 0, tzinfo=JST), tick=False):
        yield


def cell_words(page: str, state: str) -> set[str]:
    """What the grid's cells of ``state`` say (without the hidden time)."""
    cells = re.findall(rf'<td class="slot--{state}[^"]*"[^>]*>(.*?)</td>', page, re.S)
    return {html.unescape(re.sub(r"<span class=\"visually-hidden\">.*?</span>", "", c)).strip()
            for c in cells}  # fmt: skip


def legend(page: str) -> dict[str, str]:
    """{the words of a state: its explanation}, from the legend under the grid."""
    block = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', page, re.S).group(1)
    return {
        html.unescape(words): html.unescape(explanation.strip())
        for words, explanation in re.findall(r"<li><span[^>]*>(.*?)</span>(.*?)</li>", block)
    }


def test_the_legend_explains_the_free_times_that_cannot_start_a_booking(client, room):
    room.min_minutes = 60
    room.buffer_minutes = 30
    room.save()
    # 10:00–11:00, then 12:30–14:00: 11:00–11:30 is tidy-up, 11:30–12:00 a gap too short to
    # book, 12:00–12:30 the gap before the next booking (its tidy-up would reach it).
    make_booking(room, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "11:00"))
    make_booking(room, at(WEDNESDAY, "12:30"), at(WEDNESDAY, "14:00"))
    # 20:30–21:00 after a free run: the end of a longer booking, no start of its own.
    page = client.get(
        reverse("facilities:room", kwargs={"slug": room.slug}) + f"?week={MONDAY}"
    ).content.decode()
    key = legend(page)
    shown = cell_words(page, "short") | cell_words(page, "gap")
    assert {
        "空き（短いため予約不可）",
        "予約前の間隔（予約不可）",
        "空き（この時刻からは開始不可）",
    } <= shown
    for words in shown:
        assert words in key, words
    assert "最短の利用時間より短い" in key["空き（短いため予約不可）"]
    assert "片付け時間が取れない" in key["予約前の間隔（予約不可）"]
