"""Who an office message goes to: a segment, kept as a small JSON definition, resolved in SQL
through the groups, facilities and events selectors into one recipient per address.

A segment is the union of its parts (a person who fits two parts gets one mail, whose reason
line names both)::

    {
        "audience": "representatives" | "members",   # of the groups chosen below
        "all_groups": bool,                          # every registered group
        "fields": [activity field ids],              # groups of these fields
        "areas": [area ids],                         # groups of these areas
        "not_renewed": bool,                         # no renewal for the current fiscal year
        "booked_from": "YYYY-MM-DD", "booked_to": "YYYY-MM-DD",  # groups with bookings
        "groups": [group ids],                       # chosen groups
        "events": [event ids],                       # registrants of these events …
        "event_statuses": ["confirmed", "waitlisted", "attended", "absent"],  # … in these states
    }

Only registered groups count (a suspended, withdrawn or pending group never); cancelled
registrations never; hard-bounced addresses are left out (``newsletter.selectors``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.fiscal import FiscalYear
from events import selectors as event_selectors
from events.models import Event
from facilities import selectors as facility_selectors
from groups import selectors as group_selectors
from groups.models import ActivityField, Area, Group, Membership

AUDIENCES = ("representatives", "members")
EVENT_STATUSES = event_selectors.REGISTRANT_STATUSES
LIST_KEYS = ("fields", "areas", "groups", "events", "event_statuses")


class SegmentError(ValueError):
    """The definition cannot be read (a crafted form, an old format)."""


def _ids(values) -> list[int]:
    try:
        return sorted({int(v) for v in values or ()})
    except (TypeError, ValueError) as exc:
        raise SegmentError(str(exc)) from exc


def _day(value) -> str | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise SegmentError(str(exc)) from exc


def normalise(segment: dict | None) -> dict:
    """The definition in its one stored form (ids sorted, dates as ISO strings)."""
    segment = dict(segment or {})
    audience = segment.get("audience") or "representatives"
    if audience not in AUDIENCES:
        raise SegmentError(f"audience {audience!r}")
    statuses = [s for s in EVENT_STATUSES if s in (segment.get("event_statuses") or ())]
    unknown = set(segment.get("event_statuses") or ()) - set(EVENT_STATUSES)
    if unknown:
        raise SegmentError(f"event statuses {sorted(unknown)}")
    booked_from, booked_to = _day(segment.get("booked_from")), _day(segment.get("booked_to"))
    if bool(booked_from) != bool(booked_to):
        booked_from = booked_to = booked_from or booked_to
    if booked_from and booked_to < booked_from:
        raise SegmentError("booking period ends before it starts")
    return {
        "audience": audience,
        "all_groups": bool(segment.get("all_groups")),
        "fields": _ids(segment.get("fields")),
        "areas": _ids(segment.get("areas")),
        "not_renewed": bool(segment.get("not_renewed")),
        "booked_from": booked_from,
        "booked_to": booked_to,
        "groups": _ids(segment.get("groups")),
        "events": _ids(segment.get("events")),
        "event_statuses": statuses or (["confirmed"] if segment.get("events") else []),
    }


def event_registrants(*, event: Event, statuses=("confirmed",)) -> dict:
    """The definition of "this event's registrants in these states" (and nobody else)."""
    return normalise({"events": [event.pk], "event_statuses": list(statuses)})


def has_group_part(segment: dict) -> bool:
    return bool(
        segment["all_groups"]
        or segment["fields"]
        or segment["areas"]
        or segment["not_renewed"]
        or segment["booked_from"]
        or segment["groups"]
    )


def is_empty_definition(segment: dict) -> bool:
    return not has_group_part(segment) and not segment["events"]


@dataclass
class Recipient:
    email: str
    name: str = ""
    user_id: int | None = None
    groups: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (name, role)
    events: dict[int, str] = field(default_factory=dict)  # id → title

    def reason(self) -> str:
        """One line: why this person receives the message (in the mails' language)."""
        with translation.override(settings.LANGUAGE_CODE):
            return self._reason()

    def _reason(self) -> str:
        parts = []
        representing = [n for n, role in self.groups.values() if role == "representative"]
        belonging = [n for n, role in self.groups.values() if role != "representative"]
        if representing:
            parts.append(
                _("you are the representative of the registered group %(groups)s")
                % {"groups": _names(representing)}
            )
        if belonging:
            parts.append(
                _("you are a member of the registered group %(groups)s")
                % {"groups": _names(belonging)}
            )
        if self.events:
            parts.append(
                _("you registered for %(events)s") % {"events": _names(self.events.values())}
            )
        if not parts:
            return ""
        return _("You receive this message from the office because %(why)s.") % {
            "why": _("; ").join(parts)
        }


def _names(names) -> str:
    names = list(dict.fromkeys(names))
    shown = "".join(f"「{n}」" for n in names[:3])
    if len(names) > 3:
        shown += _(" and %(n)d more") % {"n": len(names) - 3}
    return shown


@dataclass
class Resolved:
    """A segment as it stands now: its recipients (one per address) and what it meant."""

    definition: dict
    recipients: list[Recipient]
    group_ids: list[int]
    fiscal_year: int
    suppressed: list[str]
    resolved_at: dt.datetime

    def snapshot(self) -> dict:
        return {
            "definition": self.definition,
            "description": describe(self.definition, fiscal_year=self.fiscal_year),
            "fiscal_year": self.fiscal_year,
            "resolved_at": self.resolved_at.isoformat(),
            "addresses": len(self.recipients),
            "groups": len(self.group_ids),
            "suppressed": self.suppressed,
        }


def resolve(segment: dict, *, suppressed_of=None, now: dt.datetime | None = None) -> Resolved:
    """Resolve the definition against the database as it is now (a fixed number of queries).

    ``suppressed_of(addresses)`` returns those of the addresses that must not be mailed (the
    newsletter's hard bounces); they are left out and listed in ``suppressed``.
    """
    segment = normalise(segment)
    now = now or timezone.now()
    year = FiscalYear.of(timezone.localtime(now).date()).year
    found: dict[str, Recipient] = {}
    group_ids: list[int] = []
    if has_group_part(segment):
        booked = None
        if segment["booked_from"]:
            booked = facility_selectors.groups_booking_between(
                dt.date.fromisoformat(segment["booked_from"]),
                dt.date.fromisoformat(segment["booked_to"]),
            )
        groups = group_selectors.registered_groups_matching(
            everyone=segment["all_groups"],
            field_ids=segment["fields"],
            area_ids=segment["areas"],
            not_renewed_for=year if segment["not_renewed"] else None,
            ids=segment["groups"],
            also=booked,
        )
        rows = group_selectors.people_of_groups(
            groups, representatives_only=segment["audience"] == "representatives"
        )
        for user_id, email, name, group_id, group_name, role in rows:
            recipient = _take(found, email, name, user_id)
            recipient.groups.setdefault(group_id, (group_name, role))
            if group_id not in group_ids:
                group_ids.append(group_id)
    if segment["events"]:
        rows = event_selectors.registrants_by_status(segment["events"], segment["event_statuses"])
        for user_id, email, name, event_id, title in rows:
            recipient = _take(found, email, name, user_id)
            recipient.events.setdefault(event_id, title)
    suppressed = sorted(suppressed_of(list(found)) if suppressed_of and found else ())
    for email in suppressed:
        found.pop(email, None)
    recipients = sorted(found.values(), key=lambda r: r.email)
    reached = {gid for r in recipients for gid in r.groups}
    return Resolved(
        definition=segment,
        recipients=recipients,
        group_ids=[gid for gid in group_ids if gid in reached],
        fiscal_year=year,
        suppressed=suppressed,
        resolved_at=now,
    )


def _take(found: dict[str, Recipient], email: str, name: str, user_id) -> Recipient:
    key = email.strip().lower()
    recipient = found.get(key)
    if recipient is None:
        recipient = found[key] = Recipient(email=key, name=name or "", user_id=user_id)
    elif not recipient.name and name:
        recipient.name = name
    if recipient.user_id is None and user_id is not None:
        recipient.user_id = user_id
    return recipient


def describe(segment: dict, *, fiscal_year: int | None = None) -> list[str]:
    """The definition in words, one line per part (for the pages and the history, which
    keeps it in the office's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _describe(normalise(segment), fiscal_year)


def _describe(segment: dict, fiscal_year: int | None) -> list[str]:
    who = (
        pgettext("office message recipients", "representatives")
        if segment["audience"] == "representatives"
        else pgettext("office message recipients", "all members (representatives included)")
    )
    lines = []
    if segment["all_groups"]:
        lines.append(_("Every registered group: %(who)s") % {"who": who})
    if segment["fields"]:
        names = ActivityField.objects.filter(pk__in=segment["fields"]).order_by("order", "pk")
        lines.append(
            _("Groups of the activity fields %(names)s: %(who)s")
            % {"names": "、".join(f.name for f in names), "who": who}
        )
    if segment["areas"]:
        names = Area.objects.filter(pk__in=segment["areas"]).order_by("order", "pk")
        lines.append(
            _("Groups of the areas %(names)s: %(who)s")
            % {"names": "、".join(a.name for a in names), "who": who}
        )
    if segment["not_renewed"]:
        label = FiscalYear(fiscal_year).label if fiscal_year else _("this fiscal year")
        lines.append(
            _("Groups not yet renewed for %(year)s: %(who)s") % {"year": label, "who": who}
        )
    if segment["booked_from"]:
        lines.append(
            _("Groups with bookings from %(first)s to %(last)s: %(who)s")
            % {
                "first": segment["booked_from"].replace("-", "/"),
                "last": segment["booked_to"].replace("-", "/"),
                "who": who,
            }
        )
    if segment["groups"]:
        names = Group.objects.filter(pk__in=segment["groups"]).order_by("name_kana", "pk")
        lines.append(
            _("Chosen groups %(names)s: %(who)s")
            % {"names": "、".join(g.name for g in names), "who": who}
        )
    if segment["events"]:
        labels = dict(status_choices())
        events = Event.objects.filter(pk__in=segment["events"]).order_by("start", "pk")
        lines.append(
            _("Registrants of %(events)s: %(statuses)s")
            % {
                "events": "、".join(f"「{e.title}」" for e in events),
                "statuses": "、".join(str(labels[s]) for s in segment["event_statuses"]),
            }
        )
    return lines


def status_choices():
    return [
        ("confirmed", pgettext("registrant status", "confirmed")),
        ("waitlisted", _("on the waiting list")),
        ("attended", pgettext("registrant status", "attended")),
        ("absent", _("did not attend")),
    ]


ROLE_REPRESENTATIVE = Membership.Role.REPRESENTATIVE
