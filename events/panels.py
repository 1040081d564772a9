"""The events app's panels on other apps' pages (see ``core.registry``), registered in
``EventsConfig.ready``."""

from __future__ import annotations

from django.utils import timezone

from core import registry
from events import selectors

HOME_EVENTS = 5
GROUP_EVENTS = 5


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
