"""Which part of the portal is sending a mail, read from the call stack.

A sender may name its mail's kind with the ``X-Kyodo-Kind`` header; without it, the kind is the
label of the innermost project app in the stack (``events.emails`` → ``"events"``), so a new
mail is sorted without anyone remembering to. Django's error reports (``mail_admins``,
``mail_managers``) are kind ``"error_report"`` and always secret: they may quote a request with
its tokens.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings

FALLBACK_KIND = "other"
ERROR_REPORT_FUNCTIONS = {"mail_admins", "mail_managers"}


@cache
def project_apps() -> frozenset[str]:
    """Module names of the project's own apps (under BASE_DIR, not installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    found = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not any(
            part in {".venv", "site-packages", "node_modules"} for part in path.parts
        ):
            found.add(config.name)
    found.discard("maillog")
    return frozenset(found)


def sender_kind() -> tuple[str, bool]:
    """(kind, always secret) for the mail being sent now."""
    own = project_apps()
    frame = sys._getframe(1)
    kind = ""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "django.core.mail" and frame.f_code.co_name in ERROR_REPORT_FUNCTIONS:
            return "error_report", True
        if not kind:
            top = module.split(".", 1)[0]
            if top in own:
                kind = top
        frame = frame.f_back
    return kind or FALLBACK_KIND, False
