"""Who did what: one audit row per business action, written in the action's transaction."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditLog


def log_action(
    *, actor, action: str, target: models.Model | None = None, at=None, **data
) -> AuditLog:
    """``at``: when the action happened, for a service replaying a past step (the demo seeder);
    the real time otherwise."""
    entry = AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data,
    )
    if at is not None:
        entry.created_at = at
        entry.save(update_fields=["created_at"])
    return entry
