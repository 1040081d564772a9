"""The events app's panels on other apps' pages (see ``core.registry``), registered in
``EventsConfig.ready``."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import registry
from events import permissions, selectors

HOME_EVENTS = 5
GROUP_EVENTS = 5
# How long after its end an event stays in its organisers' list on My Page.
ORGANISED_DAYS_AFTER = 60


def home_upcoming(request) -> dict:
    """The next published events (one query)."""
    return {
        "events": [
            {
                "title": event.title,
                "url": event.get_absolute_url(),
                "start_date": timezone.localtime(event.start).date(),
            }
            for event in selectors.upcoming(HOME_EVENTS)
        ]
    }


def group_upcoming(group) -> dict:
    """The group's next published events (one query)."""
    return {"events": selectors.upcoming_for_group(group, limit=GROUP_EVENTS)}


def my_organised(user) -> dict:
    """The events the user's groups organise, from two months back (one query, with the
    number of people registered and waiting), each linking to its organiser's page."""
    since = timezone.now() - dt.timedelta(days=ORGANISED_DAYS_AFTER)
    return {
        "events": selectors.organised_events(permissions.managed_events(user).filter(end__gt=since))
    }


def register_panels() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="events.upcoming",
            order=20,
            template="events/panels/home_upcoming.html",
            context=home_upcoming,
        ),
    )
    registry.register(
        "group_page",
        registry.Panel(
            key="events.upcoming",
            order=20,
            template="events/panels/group_upcoming.html",
            context=group_upcoming,
        ),
    )
    registry.register(
        "my_page",
        registry.Panel(
            key="events.registrations",
            order=30,
            template="events/account_panel.html",
            context=selectors.account_panel,
        ),
    )
    registry.register(
        "my_page",
        registry.Panel(
            key="events.organised",
            order=31,
            template="events/panels/my_organised.html",
            context=my_organised,
        ),
    )


# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Event proposals from groups waiting for a decision (one query)."""
    if not request.user.has_perm("events.view_event"):
        return {"items": []}
    counts = selectors.admin_waiting_counts()
    return {
        "items": [
            {
                "key": "events.proposals",
                "label": _("Event proposals"),
                "count": counts["proposals"],
                "url": reverse("admin:events_event_changelist") + "?status__exact=proposed",
            }
        ]
    }


def admin_today(request) -> dict:
    """Today's events with their registrations and the way to each one's attendance (one
    query)."""
    today = timezone.localdate()
    return {
        "today": today,
        "events": [
            {
                "title": event.title,
                "start": event.start,
                "end": event.end,
                "place": event.place_label,
                "registered": event.registered,
                "came": event.came,
                "attendance_url": reverse("events:attendance", args=[event.slug]),
                "admin_url": reverse("admin:events_event_change", args=[event.pk]),
            }
            for event in selectors.admin_events_of_day(today)
        ],
        "events_url": reverse("admin:events_event_changelist"),
    }


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="events.waiting",
            order=30,
            template="events/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )
    registry.register(
        "admin_home",
        registry.Panel(
            key="events.today",
            order=30,
            template="events/panels/admin_today.html",
            context=admin_today,
        ),
    )
