"""Who did what: one audit row per business action, written in the action's transaction."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditLog


def log_action(*, actor, action: str, target: models.Model | None = None, **data) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data,
    )
