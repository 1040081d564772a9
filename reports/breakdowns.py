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

    def __init__(self, year: int, *, today: dt.date, register: group_kpis.Register | None = None):
        self.fy = FiscalYear(year)
        self.today = today
        # The register as the year's report reads it for its figures (one read for both).
        self.register = register

    @cached_property
    def _data(self) -> dict:
        fy = self.fy

        def compute() -> dict:
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
    def groups(self) -> list[GroupActivity]:
        """Every group on the register during the year with its figures, most active first."""
        use, people = self._data["use_by_group"], self._data["participants_by_group"]
        rows = [
            GroupActivity(
                id=group["id"],
                name=group["name"],
                slug=group["slug"],
                **use.get(group["id"], {}),
                **people.get(group["id"], {}),
            )
            for group in self._data["groups"]
        ]
        rows.sort(key=lambda g: (-g.activity, g.name))
        return rows

    @cached_property
    def active_groups(self) -> list[GroupActivity]:
        return [g for g in self.groups if g.activity]

    @property
    def most_active(self) -> list[GroupActivity]:
        return self.active_groups[:RANKED]

    @property
    def least_active(self) -> list[GroupActivity]:
        """The least active of the groups that did anything, lowest first (never the same
        group as in the most active list)."""
        active = self.active_groups
        rest = active[len(self.most_active) :]
        return sorted(rest, key=lambda g: (g.activity, g.name))[:RANKED]

    @property
    def inactive(self) -> list[GroupActivity]:
        """Groups with no used booking and no event participant in the year (staff only)."""
        return sorted((g for g in self.groups if not g.activity), key=lambda g: g.name)

    # --- What the year's page shows (title, rows, id of each table)

    @property
    def register_tables(self) -> list[tuple[str, list[dict], str]]:
        return [
            (_("Registered groups by activity field"), self.register_by_field, "by-field"),
            (_("Registered groups by area"), self.register_by_area, "by-area"),
        ]

    @property
    def group_tables(self) -> list[tuple[str, list[GroupActivity], str]]:
        return [
            (_("The most active groups"), self.most_active, "most-active"),
            (
                _("The least active groups (of those with any activity)"),
                self.least_active,
                "least-active",
            ),
            (_("Facility use and event participants by group"), self.active_groups, "by-group"),
        ]

    @property
    def page_group_tables(self) -> list[tuple[str, list[GroupActivity], str]]:
        """``group_tables`` as the page shows them: the table of every group cut to
        ``PAGE_GROUP_ROWS`` (the most active first); the downloads keep them all."""
        return [
            (title, rows[:PAGE_GROUP_ROWS] if key == "by-group" else rows, key)
            for title, rows, key in self.group_tables
        ]

    @property
    def groups_beyond_page(self) -> int:
        """How many active groups the page's table leaves to the downloads."""
        return max(0, len(self.active_groups) - PAGE_GROUP_ROWS)

    @property
    def is_empty(self) -> bool:
        return not (self.register_by_field or self.register_by_area or self.groups)
