"""The groups app's panels on other apps' pages (see ``core.registry``), registered in
``GroupsConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import registry
from core.fiscal import FiscalYear
from groups import selectors

HOME_GROUPS = 5


def home_new_groups(request) -> dict:
    """The most recently registered groups (one query)."""
    return {
        "new_groups": [
            {"name": g.name, "url": g.get_absolute_url(), "summary": g.summary}
            for g in selectors.newly_registered(HOME_GROUPS)
        ]
    }


def register_panels() -> None:
    registry.register(
        "home",
        registry.Panel(
            key="groups.new_groups",
            order=50,
            template="groups/panels/home_new_groups.html",
            context=home_new_groups,
        ),
    )
    registry.register(
        "my_page",
        registry.Panel(
            key="groups.memberships",
            order=10,
            template="groups/account_panel.html",
            context=selectors.account_panel,
        ),
    )


# --- the admin home (core.admin_site) -----------------------------------------------------------


def admin_waiting(request) -> dict:
    """Applications to decide and groups not yet renewed this fiscal year (one query)."""
    user = request.user
    counts = selectors.admin_waiting_counts(FiscalYear.current().year)
    items = []
    if user.has_perm("groups.view_groupapplication"):
        items.append(
            {
                "key": "groups.applications",
                "label": _("Group applications"),
                "count": counts["applications"],
                "url": reverse("admin:groups_groupapplication_changelist"),
            }
        )
    if user.has_perm("groups.view_group"):
        items.append(
            {
                "key": "groups.not_renewed",
                "label": _("Groups not yet renewed this fiscal year"),
                "count": counts["not_renewed"],
                "url": reverse("admin:groups_group_changelist") + "?renewal=due",
            }
        )
    return {"items": items}


def register_admin_panels() -> None:
    registry.register(
        "admin_home",
        registry.Panel(
            key="groups.waiting",
            order=10,
            template="groups/panels/admin_waiting.html",
            context=admin_waiting,
        ),
    )
