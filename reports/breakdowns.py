"""The year's breakdowns by activity field, area and group (issue 17 part 1).

Each capability app computes its own figures (``groups.kpis``, ``facilities.kpis``,
``events.kpis``); this module composes them for one fiscal year, in a fixed number of queries
(five, whatever the number of groups, fields or areas), kept in the cache as the year's other
figures:

- registered groups by activity field and by area: at year end, new, withdrawn;
- facility use (used bookings and their users) and event participants (exchange meetings and
  all events) by activity field and by group;
- the groups most and least active: used bookings plus event participants in the year, among
  the groups on the register during the year (least: the lowest that did anything);
- the groups with no activity in the year (for the office's follow-up: staff only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from core.fiscal import FiscalYear
from events import kpis as event_kpis
from facilities import kpis as facility_kpis
from groups import kpis as group_kpis
from reports import kpis

RANKED = 5  # how many groups the most and least active lists show
# The page's table of every active group shows this many; the CSV and Excel downloads hold them
# all (at scale, five thousand rows made the page 1.9 MB: unreadable on a phone, slow for all).
PAGE_GROUP_ROWS = 50


@dataclass
class GroupActivity:
    id: int
    name: str
    slug: str
    bookings_used: int = 0
    users: int = 0
    exchange_participants: int = 0
    event_participants: int = 0

    @property
    def activity(self) -> int:
        """Used bookings plus event participants: what "most active" is ranked by."""
        return self.bookings_used + self.event_participants


class YearBreakdowns:
    """The breakdowns of fiscal year ``year`` (``today`` decides how long they are kept)."""

    def __init__(
        self,
        year: int,
        *,
        today: dt.date,
        register: group_kpis.Register | None = None,
        reading=contextlib.nullcontext,
    ):
        self.fy = FiscalYear(year)
        self.today = today
        # The register as the year's report reads it for its figures (one read for both), and
        # its reading of the years' bookings (the use by group comes with them).
        self.register = register
        self.reading = reading

    @cached_property
    def _data(self) -> dict:
        fy = self.fy

        def compute() -> dict:
            with self.reading():
                return gather()

        def gather() -> dict:
            use_by_group = facility_kpis.use_by_group(fy)
            participants_by_group = event_kpis.participants_by_group(fy)
            # By field and area: the figures by group summed over each one's groups, the
            # register read once (issue #20).
            fields, areas = group_kpis.fields_with_groups(), group_kpis.areas_with_groups()
            register = (self.register or group_kpis.Register()).rows
            return {
                "register_by_field": group_kpis.register_by_from(fy, fields, register),
                "register_by_area": group_kpis.register_by_from(fy, areas, register),
                "use_by_field": facility_kpis.use_by_field_from(fields, use_by_group),
                "participants_by_field": event_kpis.participants_by_field_from(
                    fields, participants_by_group
                ),
                "groups": group_kpis.registered_groups_from(fy, register),
                "use_by_group": use_by_group,
                "participants_by_group": participants_by_group,
            }

        return kpis.remember(
            f"breakdowns:{fy.year}:{kpis.current_year(self.today)}",
            compute,
            kpis.cache_seconds(fy.year, self.today),
            keep=kpis.keep_seconds(fy.year, self.today),
        )

    @property
    def register_by_field(self) -> list[dict]:
        return self._data["register_by_field"]

    @property
    def register_by_area(self) -> list[dict]:
        return self._data["register_by_area"]

    @cached_property
    def by_field(self) -> list[dict]:
        """Per activity field: facility use and event participants side by side."""
        participants = {row["name"]: row for row in self._data["participants_by_field"]}
        return [{**row, **participants.get(row["name"], {})} for row in self._data["use_by_field"]]

    @cached_property
    def _ranked(self) -> list[tuple]:
        """Every group on the register during the year as a plain tuple (activity, name, id,
        slug, bookings used, users, exchange and event participants), most active first.

        Plain tuples, made into ``GroupActivity`` only for the groups a table shows: the
        garbage collector stops tracking a tuple of numbers and names, while five thousand
        objects a request (scale 10) outlived its young generations and brought on a full
        collection every eight requests or so, about 100 ms each (issue #20)."""
        use, people = self._data["use_by_group"], self._data["participants_by_group"]
        no_use, nobody = {"bookings_used": 0, "users": 0}, {}
        rows = []
        for group in self._data["groups"]:
            u, p = use.get(group["id"], no_use), people.get(group["id"], nobody)
            events = p.get("event_participants", 0)
            rows.append(
                (
                    u["bookings_used"] + events,
                    group["name"],
                    group["id"],
                    group["slug"],
                    u["bookings_used"],
                    u["users"],
                    p.get("exchange_participants", 0),
                    events,
                )
            )
        rows.sort(key=lambda r: (-r[0], r[1]))
        return rows

    @staticmethod
    def _activities(rows) -> list[GroupActivity]:
        return [
            GroupActivity(pk, name, slug, used, users, exchange, events)
            for _activity, name, pk, slug, used, users, exchange, events in rows
        ]

    @cached_property
    def _active_rows(self) -> list[tuple]:
        return [row for row in self._ranked if row[0]]

    @property
    def groups(self) -> list[GroupActivity]:
        """Every group on the register during the year with its figures, most active first."""
        return self._activities(self._ranked)

    @cached_property
    def active_groups(self) -> list[GroupActivity]:
        return self._activities(self._active_rows)

    @property
    def most_active(self) -> list[GroupActivity]:
        return self._activities(self._active_rows[:RANKED])

    @property
    def least_active(self) -> list[GroupActivity]:
        """The least active of the groups that did anything, lowest first (never the same
        group as in the most active list)."""
        rest = self._active_rows[RANKED:]
        return self._activities(sorted(rest, key=lambda r: (r[0], r[1]))[:RANKED])

    @property
    def inactive(self) -> list[GroupActivity]:
        """Groups with no used booking and no event participant in the year (staff only)."""
        return self._activities(sorted((r for r in self._ranked if not r[0]), key=lambda r: r[1]))

    # --- What the year's page shows (title, rows, id of each table)

    @property
    def register_tables(self) -> list[tuple[str, list[dict], str]]:
        return [
            (_("Registered groups by activity field"), self.register_by_field, "by-field"),
            (_("Registered groups by area"), self.register_by_area, "by-area"),
        ]

    def _group_tables(self, by_group: list[GroupActivity]) -> list:
        return [
            (_("The most active groups"), self.most_active, "most-active"),
            (
                _("The least active groups (of those with any activity)"),
                self.least_active,
                "least-active",
            ),
            (_("Facility use and event participants by group"), by_group, "by-group"),
        ]

    @property
    def group_tables(self) -> list[tuple[str, list[GroupActivity], str]]:
        return self._group_tables(self.active_groups)

    @property
    def page_group_tables(self) -> list[tuple[str, list[GroupActivity], str]]:
        """``group_tables`` as the page shows them: the table of every group cut to
        ``PAGE_GROUP_ROWS`` (the most active first); the downloads keep them all."""
        return self._group_tables(self._activities(self._active_rows[:PAGE_GROUP_ROWS]))

    @property
    def groups_beyond_page(self) -> int:
        """How many active groups the page's table leaves to the downloads."""
        return max(0, len(self._active_rows) - PAGE_GROUP_ROWS)

    @property
    def is_empty(self) -> bool:
        return not (self.register_by_field or self.register_by_area or self._ranked)
