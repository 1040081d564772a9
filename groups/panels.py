"""The groups app's panels on other apps' pages (see ``core.registry``), registered in
``GroupsConfig.ready``."""

from __future__ import annotations

from core import registry
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
