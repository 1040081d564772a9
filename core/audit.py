"""Who did what: one audit row per business action, written in the action's transaction, and
the registry that turns those rows into sentences people read.

Keys
    One scheme: ``<app>.<noun>_<verb>``, after the name of the service that writes the row
    (``groups.group_approve`` from ``groups.services.group_approve``,
    ``facilities.booking_mark_no_show``...). Where one service writes two kinds of row it names
    each (``groups.membership_leave`` / ``groups.membership_remove``).

Action types
    Each app describes its keys in an ``<app>/audit.py`` module, found and imported by core's
    ``AppConfig.ready`` (like ``admin.py``: no app's ``apps.py`` has to remember it)::

        from django.utils.translation import pgettext_lazy
        from core.audit import ActionType, detail, register

        register(
            ActionType("groups.group_approve", _("approved the registration"),
                       details=[detail("registration_number", _("registration number"))]),
        )

    ``label`` is a verb phrase: the sentence is "<who> <label>" in English and
    「<who>が<label>しました」 in Japanese (so a Japanese label is a noun + 漢語 verb:
    「登録を承認」). ``message`` overrides the whole sentence for the few that do not fit
    (placeholders: ``%(actor)s`` and the row's data). ``details`` are callables
    ``(entry) -> str | None`` shown in brackets after the sentence; ``nobody`` names who acted
    when the row has no actor (a guest, a scheduled job).

Unregistered keys
    ``log_action`` refuses a key nobody registered when ``settings.AUDIT_STRICT_KEYS`` is true
    (default: ``DEBUG``; the test settings turn it on), so a new key cannot ship without its
    sentence. In production it writes the row anyway and reports the key to the error log: the
    record of who did what is never lost, and no citizen's booking fails over a missing label.
    Such a row, and any row whose key has since gone, reads as "<who>: <key>".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils.text import capfirst
from django.utils.translation import pgettext, pgettext_lazy

from core.fiscal import FiscalYear
from core.models import AuditLog

logger = logging.getLogger(__name__)

Detail = Callable[[AuditLog], "str | None"]


@dataclass(frozen=True)
class ActionType:
    """What an audit key means: a verb phrase, optionally a whole sentence, and its details."""

    key: str
    label: Any  # lazy text: a verb phrase ("approved the registration" / 「登録を承認」)
    details: Sequence[Detail] = field(default=())
    message: Any = None  # lazy text with %(actor)s and the row's data, instead of the label
    nobody: Any = None  # who acted when the row has no actor (default: "the portal")

    def title(self) -> str:
        """The label as a list heading or a filter choice: "Approved the registration"."""
        return capfirst(str(self.label))


_types: dict[str, ActionType] = {}


def register(*types: ActionType) -> None:
    """Describe audit keys (from an app's ``audit.py``). The same description again is a no-op;
    another one under a taken key is a configuration error."""
    for action_type in types:
        known = _types.get(action_type.key)
        if known is not None and known != action_type:
            raise ImproperlyConfigured(f"Audit key {action_type.key!r} is already registered")
        _types[action_type.key] = action_type


def action_type(key: str) -> ActionType | None:
    return _types.get(key)


def action_types() -> list[ActionType]:
    """Every registered type, by key."""
    return [_types[key] for key in sorted(_types)]


class UnregisteredAction(ImproperlyConfigured):
    """``log_action`` was given a key no app registered (see the module's docstring)."""


def check_action(action: str) -> None:
    if action in _types:
        return
    if getattr(settings, "AUDIT_STRICT_KEYS", settings.DEBUG):
        raise UnregisteredAction(
            f"Audit key {action!r} is not registered: describe it in the app's audit.py"
        )
    logger.error("Unregistered audit key %r written", action)


def audit_entry(*, actor, action: str, target: models.Model | None = None, **data) -> AuditLog:
    """The unsaved row ``log_action`` writes (for a service that writes it in a statement of its
    own with its target: ``facilities.services.bookings``)."""
    check_action(action)
    return AuditLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data,
    )


def log_action(
    *, actor, action: str, target: models.Model | None = None, at=None, **data
) -> AuditLog:
    """``at``: when the action happened, for a service replaying a past step (the demo seeder);
    the real time otherwise."""
    entry = audit_entry(actor=actor, action=action, target=target, **data)
    entry.save(force_insert=True)
    if at is not None:
        entry.created_at = at
        entry.save(update_fields=["created_at"])
    return entry


# --------------------------------------------------------------------------- details


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return pgettext("audit", "yes") if value else pgettext("audit", "no")
    if isinstance(value, list | tuple):
        return pgettext("list separator", ", ").join(_text(v) for v in value)
    if isinstance(value, dict):
        return pgettext("list separator", ", ").join(f"{k} {_text(v)}" for k, v in value.items())
    return str(value)


def _target_model(entry: AuditLog):
    """The model of the row's record (no query: select ``target_type`` with the rows)."""
    return entry.target_type.model_class() if entry.target_type_id else None


def _choice_label(entry: AuditLog, name: str, value: Any) -> str | None:
    """A value stored from a field with choices (a status, a kind) as the field shows it."""
    try:
        field = _target_model(entry)._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return None
    if not getattr(field, "choices", None) or isinstance(value, list | dict):
        return None
    label = dict(field.flatchoices).get(value)
    return str(label) if label is not None else None


def detail(name: str, label, *, limit: int = 80, show: Callable[[Any], str] | None = None):
    """A detail "<label> <value>" from the row's ``data[name]``, when present and not empty. A
    value of one of the record's fields with choices reads as the field's label (「確定」, not
    ``confirmed``); ``show`` turns the value into text otherwise."""

    def render(entry: AuditLog) -> str | None:
        value = (entry.data or {}).get(name)
        if value in (None, "", [], {}):
            return None
        if show is not None:
            text = show(value)
        else:
            text = _choice_label(entry, name, value) or _text(value)
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return pgettext("audit", "%(label)s %(value)s") % {"label": label, "value": text}

    return render


def flag(name: str, label):
    """A detail that is only its label, shown when ``data[name]`` is true ("by the office")."""

    def render(entry: AuditLog) -> str | None:
        return str(label) if (entry.data or {}).get(name) else None

    return render


def how_many(value: Any) -> str:
    """``show=`` for a list or dict whose size is the point (the jobs revived, the posts)."""
    return str(len(value)) if isinstance(value, list | tuple | dict) else str(value)


def fiscal_year(value: Any) -> str:
    """``show=`` for a fiscal year: 「令和8年度 (2026年度)」."""
    try:
        return str(FiscalYear(int(value)).label)
    except (TypeError, ValueError):
        return str(value)


def fields_detail(name: str = "fields", label=None):
    """The changed fields, named as the target's model names them (``data[name]``: field names,
    or a dict keyed by field name)."""

    def render(entry: AuditLog) -> str | None:
        names = (entry.data or {}).get(name)
        if not names:
            return None
        names = list(names) if not isinstance(names, str) else [names]
        model = _target_model(entry)
        shown = []
        for n in names:
            try:
                shown.append(str(model._meta.get_field(n).verbose_name) if model else str(n))
            except (FieldDoesNotExist, AttributeError, TypeError):
                shown.append(str(n))
        return pgettext("audit", "%(label)s %(value)s") % {
            "label": label or pgettext_lazy("audit", "changed"),
            "value": pgettext("list separator", ", ").join(shown),
        }

    return render


# Details many apps' keys share.
REASON = detail("reason", pgettext_lazy("audit", "reason"))
COUNT = detail("count", pgettext_lazy("audit", "number"))
FIELDS = fields_detail()

# --------------------------------------------------------------------------- sentences


def actor_name(entry: AuditLog, action: ActionType | None = None) -> str:
    """「佐藤（職員）」/ "Sato (staff)"; who acted when nobody signed in did."""
    user = entry.actor
    if user is None:
        return str((action and action.nobody) or pgettext_lazy("audit", "the portal"))
    name = str(user)
    if user.is_staff:
        return pgettext("audit", "%(name)s (staff)") % {"name": name}
    return name


class _Data(dict):
    def __missing__(self, key):
        return "?"


def describe(entry: AuditLog) -> str:
    """The row as a sentence without its time:
    「佐藤（職員）が登録を承認しました（登録番号 R8-005）」.
    Reads ``entry.actor`` and ``entry.target_type``: select them with the rows."""
    action = _types.get(entry.action)
    who = actor_name(entry, action)
    if action is None:
        return pgettext("audit", "%(actor)s: %(action)s") % {"actor": who, "action": entry.action}
    if action.message is not None:
        values = _Data({k: _text(v) for k, v in (entry.data or {}).items()})
        values["actor"] = who
        sentence = str(action.message) % values
    else:
        sentence = pgettext("audit", "%(actor)s %(action)s") % {
            "actor": who,
            "action": action.label,
        }
    sentence = capfirst(sentence)
    shown = [text for text in (d(entry) for d in action.details) if text]
    if shown:
        sentence = pgettext("audit", "%(sentence)s (%(details)s)") % {
            "sentence": sentence,
            "details": pgettext("list separator", ", ").join(shown),
        }
    return sentence


def for_object(obj: models.Model, *, limit: int | None = None):
    """The audit rows about ``obj``, newest first, with what ``describe`` reads (2 queries at most:
    the content type is cached)."""
    rows = (
        AuditLog.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )
        .select_related("actor", "target_type")
        .order_by("-created_at", "-pk")
    )
    return rows[:limit] if limit else rows


def autodiscover(app_configs: Iterable | None = None) -> None:
    """Import each project app's ``audit`` module (core's ``AppConfig.ready``)."""
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    base = Path(settings.BASE_DIR).resolve()
    for config in app_configs or apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue  # third-party apps keep their own modules of that name
        if module_has_submodule(config.module, "audit"):
            import_module(f"{config.name}.audit")


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
        check_action(action)
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
