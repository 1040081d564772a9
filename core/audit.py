"""Who did what: one audit row per business action, written in the action's transaction."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

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


def log_actions_bulk(entries) -> int:
    """Many audit rows at once, each dated when its step happened: ``entries`` yields
    ``(at, actor, action, target, data)`` (``target`` a saved model instance or None, ``data``
    a dict). For services that record the past in bulk (the demo's years, an imported ledger);
    written with COPY in the caller's transaction. Returns how many rows were written."""
    targets: dict = {}
    rows = []
    # Every row is made before COPY starts: describing a target may query (its content type,
    # its ``__str__``), and the connection serves nothing else while COPY runs.
    for at, actor, action, target, data in entries:
        key = (type(target), getattr(target, "pk", None))
        described = targets.get(key)
        if described is None:
            described = targets[key] = (
                (ContentType.objects.get_for_model(target).pk, str(target.pk), str(target)[:200])
                if target is not None
                else (None, "", "")
            )
        who = actor.pk if getattr(actor, "is_authenticated", False) else None
        data = json.dumps(data or {}, ensure_ascii=False, cls=DjangoJSONEncoder)
        rows.append((at, who, action, *described, data))
    if not rows:
        return 0
    columns = "created_at, actor_id, action, target_type_id, target_id, target_repr, data"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY core_auditlog ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return len(rows)
