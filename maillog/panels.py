"""The mail log's panel on My Page (see ``core.registry``), registered in
``MaillogConfig.ready``."""

from __future__ import annotations

from core import registry
from maillog import selectors


def register_panels() -> None:
    registry.register(
        "my_page",
        registry.Panel(
            key="maillog.recent",
            order=90,
            template="maillog/account_panel.html",
            context=selectors.account_panel,
        ),
    )
