"""The audit log shown to staff: an object's history, the recent actions, links to the objects.

Reads only (the rows are written by ``core.audit.log_action``). Each function costs a fixed
number of queries whatever the data: the rows with their actor and content type in one query,
content types from Django's cache, links built from the admin's URL names without a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.audit import action_type, describe, for_object
from core.models import AuditLog

RECENT = 10


@dataclass(frozen=True)
class Shown:
    """One audit row ready for a template."""

    entry: AuditLog
    when: object  # aware local datetime
    text: str  # 「佐藤（職員）が登録を承認しました（登録番号 R8-005）」
    label: str  # the action type's title, or the raw key
    object_label: str  # what the row is about, as it read then
    object_url: str | None  # its admin page, where it has one


def object_url(entry: AuditLog) -> str | None:
    """The admin page of the row's object, if the admin shows that model (no query)."""
    if not entry.target_type_id or not entry.target_id:
        return None
    model = entry.target_type.model_class()
    if model is None or not admin.site.is_registered(model):
        return None
    try:
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[entry.target_id],
        )
    except NoReverseMatch:
        return None


def show(entry: AuditLog) -> Shown:
    kind = action_type(entry.action)
    return Shown(
        entry=entry,
        when=timezone.localtime(entry.created_at),
        text=describe(entry),
        label=kind.title() if kind else entry.action,
        object_label=entry.target_repr,
        object_url=object_url(entry),
    )


def history(obj: models.Model, *, limit: int = 20) -> dict:
    """An object's history, newest first: ``{"entries": [Shown...], "more": bool, "all_url": ...}``
    (one query)."""
    rows = list(for_object(obj, limit=limit + 1))
    return {
        "entries": [show(e) for e in rows[:limit]],
        "more": len(rows) > limit,
        "all_url": changelist_url_for(obj),
    }


def changelist_url_for(obj: models.Model) -> str:
    """The audit list filtered to ``obj``."""
    content_type = ContentType.objects.get_for_model(obj)
    query = urlencode({"object": f"{content_type.pk}-{obj.pk}"})
    return f"{reverse('admin:core_auditlog_changelist')}?{query}"


def recent(*, limit: int = RECENT) -> list[Shown]:
    """The office's latest actions, newest first (one query)."""
    rows = AuditLog.objects.select_related("actor", "target_type").order_by("-created_at", "-pk")
    return [show(e) for e in rows[:limit]]


def recent_panel(request) -> dict:
    """The admin home's "recent actions" card (panel registry, slot ``admin_home``)."""
    if not request.user.has_perm("core.view_auditlog"):
        return {"entries": [], "allowed": False}
    return {
        "entries": recent(),
        "allowed": True,
        "all_url": reverse("admin:core_auditlog_changelist"),
    }
