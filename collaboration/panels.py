"""Collaboration's panels on other apps' pages (see ``core.registry``), registered in
``CollaborationConfig.ready``; the go-between's own panels are in ``panels_gobetween``."""

from __future__ import annotations

from accounts.roles import is_office_staff, is_official
from collaboration import selectors
from core import registry


def my_desk(user) -> dict:
    """My Page's way to the collaboration desk: for a department's official, the proposals
    awaiting the department's answer (one query); for the office's staff, the proposals to
    screen and those awaiting answers (one query). Nobody else: no query (whether the user is
    an official is read once per request and shared with the header)."""
    if is_office_staff(user):
        return {"office": selectors.office_desk_summary()}
    if is_official(user):
        return {"department": selectors.department_desk_summary(user)}
    return {}


def register_panels() -> None:
    registry.register(
        "my_page",
        registry.Panel(
            key="collaboration.desk",
            order=15,  # the work waiting for an official or the office comes first
            template="collaboration/panels/my_desk.html",
            context=my_desk,
        ),
    )
