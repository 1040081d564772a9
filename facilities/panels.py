"""The facilities app's panels on other apps' pages (see ``core.registry``), registered in
``FacilitiesConfig.ready``."""

from __future__ import annotations

from django.utils import timezone

from core import registry
from facilities import selectors


def home_rooms_today(request) -> dict:
    """Each bookable room with today's state."""
    return {
        "rooms": [
            {"name": room.name, "url": room.url, "status": room.status}
            for room in selectors.today_overview()
        ],
        "today": timezone.localdate(),
    }


def register_panels() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="facilities.rooms_today",
            order=40,
            template="facilities/panels/home_rooms_today.html",
            context=home_rooms_today,
        ),
    )
    registry.register(
        "my_page",
        registry.Panel(
            key="facilities.bookings",
            order=20,
            template="facilities/account_panel.html",
            context=selectors.account_panel,
        ),
    )
