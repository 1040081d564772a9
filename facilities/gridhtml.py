"""The grids' HTML, written once when a grid is built (issue #20).

A room's week and the day view spend most of their time writing out hundreds of cells; a kept
grid (``facilities.gridcache``) holds these fragments, so a page that shows it writes one string
instead. Each fragment depends only on what the grid's key holds (the room or day, the week,
the viewer's kind, the language): the pages around them write what depends on the request.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from facilities.models import Room
from facilities.schedule import Grid, day_parts


def _render(template: str, context: dict) -> SafeString:
    return mark_safe(render_to_string(template, context).strip())


def week(room: Room, week_start: dt.date, grid: Grid) -> dict[str, SafeString]:
    """A room's week: ``about`` (the room's booking rules, its blocks), ``table`` (the week as
    a table, for wide screens) and ``day:<date>`` for each day (the day as a list, for phones)."""
    html = {
        "about": _render("facilities/_room_about.html", {"room": room}),
        "table": _render(
            "facilities/_week_table.html",
            {
                "room": room,
                "grid": grid,
                "week_start": week_start,
                "week_end": week_start + dt.timedelta(days=6),
            },
        ),
    }
    for column in grid.columns:
        html[f"day:{column.day.isoformat()}"] = _render(
            "facilities/_day_list.html", {"parts": day_parts(column.items)}
        )
    return html


def day(day: dt.date, grid: Grid) -> dict[str, SafeString]:
    """The day view: ``rooms`` (each room's day as a list, and the rooms side by side)."""
    return {"rooms": _render("facilities/_day_rooms.html", {"grid": grid, "day": day})}
