"""The facilities app's panels on other apps' pages (see ``core.registry``), registered in
``FacilitiesConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    register_free_search_panel()
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


def home_free_search(request) -> dict:
    """The free-room search form (空き状況検索), short: the equipment is chosen on the results
    page (no query here)."""
    return {}


def register_free_search_panel() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="facilities.free_search",
            order=39,
            template="facilities/panels/home_free_search.html",
            context=home_free_search,
        ),
    )


# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Booking and loan requests waiting for a decision (two queries)."""
    user = request.user
    counts = selectors.admin_waiting_counts()
    items = []
    if user.has_perm("facilities.view_booking"):
        items.append(
            {
                "key": "facilities.booking_requests",
                "label": _("Booking requests"),
                "count": counts["booking_requests"],
                "url": reverse("admin:facilities_booking_changelist")
                + "?status__exact=requested&when=upcoming",
            }
        )
    if user.has_perm("facilities.view_equipmentloan"):
        items.append(
            {
                "key": "facilities.loan_requests",
                "label": _("Equipment loan requests"),
                "count": counts["loan_requests"],
                "url": reverse("admin:facilities_equipmentloan_changelist")
                + f"?status__exact=requested&return_date__gte={timezone.localdate().isoformat()}",
            }
        )
    return {"items": items}


def admin_today(request) -> dict:
    """Today's bookings and loans in short, with the way to the desk (two queries)."""
    today = timezone.localdate()
    return {
        "today": today,
        "day": selectors.admin_today(today),
        "desk_url": reverse("facilities:desk"),
        "bookings_url": reverse("admin:facilities_booking_changelist") + "?when=today",
    }


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="facilities.waiting",
            order=20,
            template="facilities/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )
    registry.register(
        "admin_home",
        registry.Panel(
            key="facilities.today",
            order=20,
            template="facilities/panels/admin_today.html",
            context=admin_today,
        ),
    )
