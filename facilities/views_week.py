"""A room's week (issue #16 part 2): on a wide screen the week as a grid, on a phone one day
at a time as a list (``?day=YYYY-MM-DD``, with the previous and next day). The same HTML
serves every width, the stylesheet decides what shows, so the page cache still holds."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagecache import public_page
from facilities import selectors
from facilities.forms import parse_iso_date
from facilities.models import Room


def _parse(request, name: str) -> tuple[dt.date | None, str | None]:
    raw = request.GET.get(name)
    if not raw:
        return None, None
    try:
        return parse_iso_date(raw), None
    except ValueError:
        if name == "day":
            return None, _(
                "The day could not be read (expected a date such as 2026-05-04): showing the "
                "next day that can be booked."
            )
        return None, _(
            "The week could not be read (expected a date such as 2026-05-04): showing this week."
        )


def _first_open_day(grid, today: dt.date) -> dt.date:
    """The day a week opens on when only the week is asked: today if it is in that week, else
    the week's first day that is not closed (else its Monday)."""
    days = [column.day for column in grid.columns]
    if today in days:
        return today
    for column in grid.columns:
        if not column.closed:
            return column.day
    return days[0]


@public_page("facilities:room")
def room_week(request, slug):
    # Without its blocks: they show in the grid's HTML, read only when the grid is built.
    room = get_object_or_404(Room.objects.active(), slug=slug)
    viewer = selectors.viewer_for(request.user)
    today = timezone.localdate()
    day, problem = _parse(request, "day")
    week = None
    if day is None:
        week, week_problem = _parse(request, "week")
        problem = problem or week_problem
        if week_problem:
            week = today  # as before: a garbled week shows this week
    if day is None and week is None:
        # Opened without a day: the next bookable day, and its week from the same read.
        day, grid = selectors.next_bookable_week(room, viewer)
        week_start = selectors.week_start_of(day)
    else:
        week_start = selectors.week_start_of(day or week)
        grid = selectors.week_grid(room, week_start, viewer)
    if day is None:
        day = _first_open_day(grid, today)
    return render(
        request,
        "facilities/room_week.html",
        {
            "room": room,
            "grid": grid,
            "week_start": week_start,
            "week_end": week_start + dt.timedelta(days=6),
            "previous_week": week_start - dt.timedelta(days=7),
            "next_week": week_start + dt.timedelta(days=7),
            "this_week": selectors.week_start_of(today),
            "problem": problem,
            "viewer": viewer,
            "day": day,
            "day_list": grid.html[f"day:{day.isoformat()}"],
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "today": today,
        },
    )
