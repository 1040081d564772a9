"""Personal data: what the portal holds about people, for how long, and how it is made anonymous.

One registry (as ``core/audit.py``'s action types): each app declares the personal data its
models hold in an ``<app>/personal_data.py`` module, found and imported by core's
``AppConfig.ready`` (``autodiscover``, like ``audit.py``: no ``apps.py`` has to remember it). Three
things read the registry:

- **the retention job** (``core_personal_data_retain``, the periodic task in core/tasks.py)
  anonymises, holding by holding, the rows that have passed their retention period;
- **closing an account** (accounts, ``/accounts/delete/``) and **a person's request** (the staff
  request page: find, export, correct, erase) call ``find(person)`` and ``erase(person, ...)``;
- **the privacy policy** lists every holding: what it is, why it is kept, who sees it and for how
  long (the retention settings beside it, so the two cannot drift apart).

A test (tests/privacy/test_registry.py) fails when a model of a project app has a field that
looks personal (``looks_personal``: an e-mail, a name, phone, address, note, message, IP, an
upload, a link to an account) that no holding declares and no ``exempt`` explains.

Declaring a holding
    In ``events/personal_data.py``::

        from django.db.models import Q
        from django.utils.translation import gettext_lazy as _
        from core.personal_data import BLANK, Holding, Label, exempt, register

        from events.models import Registration

        register(
            Holding(
                key="events.guest",
                model="events.Registration",
                fields=("guest_name", "guest_email"),
                what=_("Names and e-mail addresses of guests who registered without an account"),
                why=_("To confirm the place, send changes and count who came"),
                who_sees=_("Office staff; the organising group sees the names"),
                retention="event_guests",          # a key of RETENTION (below), or None
                of_person=lambda p: Registration.objects.filter(
                    user__isnull=True, guest_email__in=p.emails),
                replace={"guest_name": Label(_("Guest")), "guest_email": BLANK},
                expired=lambda cutoff: Registration.objects.filter(
                    user__isnull=True, event__ends_at__lt=cutoff),
            ),
        )
        exempt("events.RegistrationQuestion", "text", "help_text",
               why="the office's own question, not a person's")

    ``key``        ``<app>.<noun>``, unique.
    ``model``      the model's label (``app_label.ModelName``).
    ``fields``     the personal fields of the model this holding covers (a model may have several
                   holdings: a guest's name and e-mail on one retention, the staff note on another;
                   each personal field must be in one of them or be ``exempt``).
    ``what`` / ``why`` / ``who_sees``   lazy texts for the privacy policy and the request export.
    ``retention``  the retention kind (``RETENTION``'s key, a field of ``core.RetentionSettings``)
                   after which ``expired`` rows are anonymised; ``None``: kept while the account
                   (or the record it belongs to) exists, and erased when the person asks or leaves.
    ``of_person``  ``(Person) -> QuerySet``: this person's rows (by account and/or e-mail address).
                   ``None`` for data that never names a person directly (rare).
    ``replace``    ``{field: value}`` applied with ``QuerySet.update`` to anonymise a row:
                   ``BLANK`` (""), ``NULL`` (None), ``Label(lazy)`` (a neutral label written in the
                   portal's language, 「ゲスト」, for fields that may not be empty), or any query
                   expression (``Concat(Value("closed-"), Cast("pk", CharField()), ...)`` for a
                   unique field). Fields in ``fields`` but not in ``replace`` are *kept* (a link to
                   the anonymised account, a booking's date): the row stays an anonymous record.
                   **Rows that count in figures are never deleted**, so every figure of every
                   year is the same after anonymising.
    ``expired``    ``(cutoff: datetime) -> QuerySet``: rows whose retention period ran out before
                   ``cutoff`` (= now - the period). Need not exclude rows already anonymised:
                   ``pending`` is applied on top.
    ``pending``    a ``Q`` of rows not anonymised yet. Default: built from ``replace`` (a row any
                   of whose replaced fields differs from its replacement), which is right for
                   constant replacements; give it when ``replace`` uses expressions.
    ``anonymise``  ``(QuerySet) -> int``: instead of ``update(**replace)``, for a holding that
                   must do more (delete a file, delete a row that counts nowhere, write a hash).
                   Must be idempotent and must not delete counted rows.
    ``order``      erasing a person runs holdings by ``order`` (the account itself last, 1000),
                   so ``of_person`` can still find rows through the account's address.
    ``about_staff``  records of the office staff's own work (who wrote a post): the privacy
                   policy lists them apart.

    ``of_account("events.Event", "proposed_by", emails=("contact_email",))`` builds the usual
    ``of_person`` (rows linked to the account by those foreign keys, or holding one of the
    person's addresses). ``exempt(model, *fields, why=...)`` accepts fields that only look
    personal (a room's name, the office's own address).

Suppression lists
    ``suppressed_address(email)`` is ``<HMAC-SHA256>@suppressed.invalid`` (key
    ``SUPPRESSION_HASH_KEY``, by default derived from SECRET_KEY; ``address_hash`` is the bare
    hex digest): what a bounce, an unsubscribed subscriber or a past recipient keeps instead of
    the address, unique per address and never deliverable. A list that must still refuse the
    address compares both forms (``newsletter.models.BounceQuerySet.suppressing``).

Finding and erasing a person (t7 closing accounts, t8 the request page)
    ``Person.of_user(user)`` / ``Person.of_email(address)``: the account (if any) and every
    address known for it (the account's, allauth's other addresses). Then
    ``find(person)`` gives ``[Found(holding, rows)]`` for every holding that holds something,
    ``Found.values()`` the personal fields of each row (for the export), and
    ``erase(person, actor=..., keys=None)`` anonymises them (atomic, audited as
    ``core.personal_data_erase`` with the counts per holding; ``keys`` limits it to some
    holdings, e.g. what the person asked to be erased).

Retention
    ``RETENTION`` names each retention kind with its default (days) and what it counts from; staff
    edit the periods in the admin (``core.RetentionSettings``, one row, audited). ``retain(now=,
    batch_size=)`` runs every holding with a retention: each batch is its own transaction
    (``select_for_update(skip_locked=True)``), so a job killed mid-way resumes where it stopped
    and two jobs never anonymise the same row; it returns the counts per holding and audits them
    (``core.personal_data_retain``). ``due(now=)`` counts without changing anything. Files held
    for an unsent form (core.uploads) are cleaned by the same run. It runs as the periodic task
    ``core.personal_data_retain`` (core/tasks.py, ``PERSONAL_DATA_RETAIN_CRON``, nightly) and as
    ``manage.py core_personal_data_retain`` for a cron line.

The privacy policy
    ``policy()`` gives every holding as a ``PolicyItem`` (what, why, who sees it, and ``kept``:
    the period in words from the current settings, ``kept_for(kind)``), in one query; the
    privacy page (pages) shows them under the staff-written text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------- replacements


@dataclass(frozen=True)
class Label:
    """A neutral label replacing a value that may not be empty (「ゲスト」, 「退会したユーザー」),
    written in the portal's language (``settings.LANGUAGE_CODE``)."""

    text: Any

    def value(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(self.text)


BLANK = ""
NULL = None


def _db_value(value: Any) -> Any:
    return value.value() if isinstance(value, Label) else value


def _is_constant(value: Any) -> bool:
    return value is None or isinstance(value, str | int | bool | dict | list | Label)


# --------------------------------------------------------------------------- retention kinds


@dataclass(frozen=True)
class RetentionKind:
    """A retention period staff can set: ``days`` is the default, ``since`` what it counts from."""

    key: str
    label: Any
    days: int
    since: Any


RETENTION: dict[str, RetentionKind] = {
    kind.key: kind
    for kind in [
        RetentionKind(
            "event_guests",
            _("Guests' names and e-mail addresses"),
            365,
            _("after the event"),
        ),
        RetentionKind(
            "accessibility_needs",
            _("Answers about accessibility needs (配慮事項)"),
            30,
            _("after the event"),
        ),
        RetentionKind(
            "contact_messages",
            _("Messages sent to groups through the contact form"),
            90,
            _("after sending"),
        ),
        RetentionKind(
            "opinion_senders",
            _("Opinion-box senders' names and e-mail addresses"),
            365,
            _("after the opinion was sent"),
        ),
        RetentionKind(
            "suppressed_addresses",
            _(
                "Unsubscribed and bounced e-mail addresses (a keyed hash stays, so they are never "
                "mailed again)"
            ),
            30,
            _("after unsubscribing or bouncing"),
        ),
        RetentionKind(
            "unconfirmed_signups",
            _("Sign-ups whose e-mail address was never confirmed"),
            30,
            _("after signing up"),
        ),
        RetentionKind(
            "withdrawn_groups",
            _("Withdrawn groups' private contact details"),
            365,
            _("after the withdrawal"),
        ),
        RetentionKind(
            "audit_details",
            _("Personal details in the audit log"),
            3 * 365,
            _("after the action"),
        ),
        RetentionKind(
            "mail_log",
            _("The mail log (who was sent which mail)"),
            365,
            _("after sending"),
        ),
        RetentionKind(
            "partner_contacts",
            _("Partners' contact persons who are no longer current"),
            365,
            _("after they were marked no longer current"),
        ),
        RetentionKind(
            "held_uploads",
            _("Files held for a form that was not sent"),
            1,
            _("after the upload"),
        ),
    ]
}


def retention_days(kind: str) -> int:
    """The period staff set for ``kind`` (the default when never set)."""
    from core.models import RetentionSettings

    if kind not in RETENTION:
        raise ImproperlyConfigured(f"Unknown retention kind {kind!r}")
    return RetentionSettings.load().days(kind)


def cutoff(kind: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """Rows older than this (for ``kind``) have passed their time."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days(kind))


# --------------------------------------------------------------------------- holdings


@dataclass(frozen=True, eq=False)
class Holding:
    """One kind of personal data one model holds (see the module's docstring)."""

    key: str
    model: str
    fields: tuple[str, ...]
    what: Any
    why: Any
    who_sees: Any
    retention: str | None = None
    of_person: Callable[[Person], models.QuerySet] | None = None
    replace: Mapping[str, Any] = field(default_factory=dict)
    expired: Callable[[dt.datetime], models.QuerySet] | None = None
    pending: Q | None = None
    anonymise: Callable[[models.QuerySet], int] | None = None
    order: int = 100
    # Records of the office staff's own work (who wrote a post): listed apart in the policy.
    about_staff: bool = False

    @property
    def model_class(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def kept(self) -> tuple[str, ...]:
        """Personal fields left as they are when the row is anonymised (links, dates)."""
        return tuple(f for f in self.fields if f not in self.replace)

    def pending_q(self) -> Q:
        """Rows not yet anonymised."""
        if self.pending is not None:
            return self.pending
        q = Q()
        for name, value in self.replace.items():
            if not _is_constant(value):
                raise ImproperlyConfigured(
                    f"Holding {self.key!r} replaces {name!r} with an expression: give `pending`"
                )
            value = _db_value(value)
            q |= Q(**{f"{name}__isnull": False}) if value is None else ~Q(**{name: value})
        return q

    def rows_of(self, person: Person) -> models.QuerySet:
        if self.of_person is None:
            return self.model_class.objects.none()
        return self.of_person(person)

    def apply(self, queryset: models.QuerySet) -> int:
        """Anonymise the rows of ``queryset`` (already limited to pending ones by the caller)."""
        if self.anonymise is not None:
            return self.anonymise(queryset)
        if not self.replace:
            return 0
        values = {name: _db_value(value) for name, value in self.replace.items()}
        return self.model_class.objects.filter(pk__in=queryset.values("pk")).update(**values)


_holdings: dict[str, Holding] = {}
_exempt: dict[str, dict[str, str]] = {}


def register(*holdings: Holding) -> None:
    """Declare holdings (from an app's ``personal_data.py``). The same object again is a no-op;
    another one under a taken key is a configuration error."""
    for holding in holdings:
        known = _holdings.get(holding.key)
        if known is not None and (known.model, known.fields) != (holding.model, holding.fields):
            raise ImproperlyConfigured(f"Holding {holding.key!r} is already registered")
        if holding.retention is not None and holding.retention not in RETENTION:
            raise ImproperlyConfigured(
                f"Holding {holding.key!r}: unknown retention kind {holding.retention!r}"
            )
        if holding.retention is not None and holding.expired is None:
            raise ImproperlyConfigured(f"Holding {holding.key!r} has a retention but no `expired`")
        _holdings[holding.key] = holding


def exempt(model: str, *fields: str, why: str) -> None:
    """Fields that look personal but are not (a room's name, the office's own address): the
    registry test accepts them. ``why`` is for the reader of the code."""
    _exempt.setdefault(model, {}).update(dict.fromkeys(fields, why))


def holdings() -> list[Holding]:
    """Every holding, by order then key."""
    return sorted(_holdings.values(), key=lambda h: (h.order, h.key))


def holding(key: str) -> Holding:
    return _holdings[key]


def holdings_with_retention(kind: str | None = None) -> list[Holding]:
    return [h for h in holdings() if h.retention and (kind is None or h.retention == kind)]


def of_account(model: str, *links: str, emails: Iterable[str] = ()):
    """``of_person`` for the common case: ``model``'s rows linked to the person's account by any
    of ``links`` (foreign keys to the user) or holding one of their addresses in any of
    ``emails`` (fields, matched ignoring case)."""
    emails = tuple(emails)

    def rows(person: Person) -> models.QuerySet:
        from django.apps import apps

        q = Q(pk__in=[])
        if person.user is not None:
            for name in links:
                q |= Q(**{f"{name}_id": person.user_id})
        for name in emails:
            q |= person.email_q(name)
        return apps.get_model(model).objects.filter(q)

    return rows


# --------------------------------------------------------------------------- keyed hashes


def address_hash(email: str) -> str:
    """A keyed hash (HMAC-SHA256 with ``SUPPRESSION_HASH_KEY``, by default derived from
    SECRET_KEY) of an address, lower-cased and trimmed: what a suppression list keeps instead of
    the address, so a bounced or unsubscribed person is never mailed again."""
    key = getattr(settings, "SUPPRESSION_HASH_KEY", "") or (
        "kyodo.personal_data.address:" + settings.SECRET_KEY
    )
    normalised = (email or "").strip().lower()
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


SUPPRESSED_DOMAIN = "suppressed.invalid"


def suppressed_address(email: str) -> str:
    """What a suppression row keeps in place of ``email``: its keyed hash as an address that is
    never deliverable (``<hmac>@suppressed.invalid``), unique per address, so a list can still
    say "this address must not be mailed" without holding it."""
    return f"{address_hash(email)}@{SUPPRESSED_DOMAIN}"


def is_suppressed_form(email: str) -> bool:
    return (email or "").endswith(f"@{SUPPRESSED_DOMAIN}")


# --------------------------------------------------------------------------- a person


@dataclass(frozen=True)
class Person:
    """Whom a request or an account closing is about: the account (when there is one) and every
    e-mail address known for them (lower case)."""

    user: Any = None
    emails: frozenset[str] = frozenset()

    @classmethod
    def of_user(cls, user) -> Person:
        from allauth.account.models import EmailAddress

        emails = {user.email.lower()} if user.email else set()
        emails |= {
            e.lower()
            for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        }
        return cls(user=user, emails=frozenset(emails))

    @classmethod
    def of_email(cls, email: str) -> Person:
        """The account with this address (primary or another verified one), or no account."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model

        address = (email or "").strip().lower()
        User = get_user_model()
        user = User.objects.filter(email__iexact=address).first()
        if user is None:
            other = EmailAddress.objects.filter(email__iexact=address).select_related("user")
            found = other.first()
            user = found.user if found else None
        if user is not None:
            person = cls.of_user(user)
            return cls(user=user, emails=person.emails | {address})
        return cls(user=None, emails=frozenset({address}) if address else frozenset())

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    def email_q(self, name: str) -> Q:
        """``Q`` matching ``name`` against any of the person's addresses, ignoring case."""
        q = Q(pk__in=[])
        for email in self.emails:
            q |= Q(**{f"{name}__iexact": email})
        return q


@dataclass
class Found:
    """The rows one holding holds about one person."""

    holding: Holding
    rows: list[models.Model]

    def values(self) -> list[dict[str, Any]]:
        """Each row's personal fields (a link as the linked record's text), with its id."""
        shown = []
        for row in self.rows:
            item: dict[str, Any] = {"id": row.pk}
            for name in self.holding.fields:
                value = getattr(row, name, None)
                if isinstance(value, models.Model):
                    value = str(value)
                elif hasattr(value, "name") and hasattr(value, "url"):  # a file
                    value = value.name or ""
                item[name] = value
            shown.append(item)
        return shown


def find(person: Person) -> list[Found]:
    """What every holding holds about ``person`` (holdings holding nothing left out)."""
    found = []
    for h in holdings():
        rows = list(h.rows_of(person).order_by("pk"))
        if rows:
            found.append(Found(holding=h, rows=rows))
    return found


def erase(
    person: Person, *, actor, keys: Iterable[str] | None = None, reason: str = ""
) -> dict[str, int]:
    """Anonymise what the holdings (all, or those of ``keys``) hold about ``person``; returns the
    rows changed per holding. One transaction, audited (``core.personal_data_erase``). Rows are
    found first (``of_person`` may read the account's address, which the account's own holding
    replaces last), then anonymised in ``order``."""
    from core.audit import log_action

    chosen = [h for h in holdings() if keys is None or h.key in set(keys)]
    counts: dict[str, int] = {}
    with transaction.atomic():
        targets = [(h, list(h.rows_of(person).values_list("pk", flat=True))) for h in chosen]
        for h, pks in targets:
            if not pks:
                continue
            rows = h.model_class.objects.filter(pk__in=pks).filter(h.pending_q())
            changed = h.apply(rows) if (h.replace or h.anonymise) else 0
            if changed:
                counts[h.key] = changed
        if person.user is not None:
            person.user.refresh_from_db()  # the audit row names the anonymised account
        log_action(
            actor=actor,
            action="core.personal_data_erase",
            target=person.user if person.user is not None else None,
            counts=counts,
            reason=reason,
        )
    return counts


# --------------------------------------------------------------------------- retention job


@dataclass
class RetainReport:
    """What one run of the retention job did: rows anonymised per holding."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def retain_holding(
    h: Holding, *, now: dt.datetime | None = None, batch_size: int = 500, max_batches=None
) -> int:
    """Anonymise ``h``'s expired rows in batches of ``batch_size``, each batch its own
    transaction (a job killed between batches leaves whole batches done, the rest pending)."""
    now = now or timezone.now()
    limit = cutoff(h.retention, now=now)
    done = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            due = h.expired(limit).filter(h.pending_q()).values("pk")
            pks = list(
                h.model_class.objects.filter(pk__in=due)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                break
            changed = h.apply(h.model_class.objects.filter(pk__in=pks))
        done += changed
        batches += 1
        if len(pks) < batch_size:
            break
    return done


HELD_UPLOADS = "core.held_uploads"


def _held_uploads_retain(now: dt.datetime) -> int:
    """Files held for an unsent form (core.uploads) older than their retention period (never
    sooner than their token's own life, ``UPLOAD_HOLD_SECONDS``)."""
    from core.uploads import held_uploads_purge, hold_seconds

    hold = dt.timedelta(seconds=hold_seconds())
    keep = max(dt.timedelta(days=retention_days("held_uploads")), hold)
    # held_uploads_purge deletes what is older than (its now - the hold).
    return held_uploads_purge(now=now - keep + hold)


def due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """How many rows each holding with a retention would anonymise now (nothing changed)."""
    now = now or timezone.now()
    counts = {}
    for h in holdings():
        if h.retention:
            counts[h.key] = h.expired(cutoff(h.retention, now=now)).filter(h.pending_q()).count()
    return counts


def retain(
    *,
    now: dt.datetime | None = None,
    batch_size: int = 500,
    kinds: Iterable[str] | None = None,
    audit: bool = True,
) -> RetainReport:
    """Run every holding with a retention (or those of ``kinds``); see the module's docstring."""
    from core.audit import log_action

    now = now or timezone.now()
    report = RetainReport()
    for h in holdings():
        if not h.retention or (kinds is not None and h.retention not in set(kinds)):
            continue
        changed = retain_holding(h, now=now, batch_size=batch_size)
        if changed:
            report.counts[h.key] = changed
    if kinds is None or "held_uploads" in set(kinds):
        removed = _held_uploads_retain(now)
        if removed:
            report.counts[HELD_UPLOADS] = removed
    if audit and report.counts:
        log_action(actor=None, action="core.personal_data_retain", counts=report.counts)
    return report


# --------------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class PolicyItem:
    """One line of the privacy policy's list: what, why, who sees it, for how long."""

    key: str
    what: Any
    why: Any
    who_sees: Any
    kept: str
    about_staff: bool


def kept_for(kind: str | None, settings_row=None) -> str:
    """「催しの後365日」: a retention period as people read it (from the current settings);
    without a kind, kept while the account or the record it belongs to exists."""
    from django.utils.translation import pgettext

    if kind is None:
        return pgettext("retention", "While your account (or the record it belongs to) exists")
    from core.models import RetentionSettings

    row = settings_row or RetentionSettings.load()
    return pgettext("retention", "%(days)s days %(since)s") % {
        "days": row.days(kind),
        "since": RETENTION[kind].since,
    }


def policy() -> list[PolicyItem]:
    """Every holding as a line of the privacy policy, with the retention period staff set (one
    query), people's data first, then the records of the staff's own work."""
    from core.models import RetentionSettings

    row = RetentionSettings.load()
    items = [
        PolicyItem(
            key=h.key,
            what=h.what,
            why=h.why,
            who_sees=h.who_sees,
            kept=kept_for(h.retention, row),
            about_staff=h.about_staff,
        )
        for h in holdings()
    ]
    apps_first = {app: n for n, app in enumerate(POLICY_ORDER)}
    return sorted(
        items,
        key=lambda i: (i.about_staff, apps_first.get(i.key.split(".")[0], 99), i.key),
    )


# The policy's order: a person's account first, the office's own records last.
POLICY_ORDER = (
    "accounts",
    "groups",
    "facilities",
    "events",
    "newsletter",
    "news",
    "bulletin",
    "collaboration",
    "pages",
    "maillog",
    "core",
)


# --------------------------------------------------------------------------- the registry test

PERSONAL_NAME_PARTS = {
    "name",
    "kana",
    "phone",
    "address",
    "email",
    "note",
    "notes",
    "comment",
    "message",
    "ip",
    "contact",
}


def looks_personal(model_field) -> bool:
    """A field that may hold personal data: an e-mail, an IP address, an upload, a link to an
    account, or a name with a part such as name/phone/address/note/message/contact."""
    from django.contrib.auth import get_user_model

    if isinstance(model_field, models.EmailField | models.GenericIPAddressField):
        return True
    if isinstance(model_field, models.FileField):
        return True
    if isinstance(model_field, models.ForeignKey | models.OneToOneField) and (
        model_field.related_model is get_user_model()
    ):
        return True
    if not isinstance(model_field, models.CharField | models.TextField):
        return False
    return bool(PERSONAL_NAME_PARTS & set(model_field.name.split("_")))


def undeclared() -> list[str]:
    """``app_label.Model.field`` of every field of a project app's concrete model that looks
    personal and is neither in a holding nor exempt."""
    from pathlib import Path

    from django.apps import apps

    declared: dict[str, set[str]] = {}
    for h in _holdings.values():
        declared.setdefault(h.model, set()).update(h.fields)
    base = Path(settings.BASE_DIR).resolve()
    missing = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            label = meta.label
            known = declared.get(label, set()) | set(_exempt.get(label, {}))
            for f in meta.local_fields:
                if looks_personal(f) and f.name not in known:
                    missing.append(f"{label}.{f.name}")
    return sorted(missing)


def autodiscover(app_configs=None) -> None:
    """Import each project app's ``personal_data`` module (core's ``AppConfig.ready``)."""
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    _register_core()
    base = Path(settings.BASE_DIR).resolve()
    for config in app_configs or apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue
        if config.name != "core" and module_has_submodule(config.module, "personal_data"):
            import_module(f"{config.name}.personal_data")


# --------------------------------------------------------------------------- core's own


def _register_core() -> None:
    from django.utils.translation import pgettext_lazy

    from core import audit
    from core.audit import REASON, ActionType, detail

    counts = detail("counts", pgettext_lazy("audit", "rows"), show=_count_total)
    audit.register(
        ActionType(
            "core.personal_data_erase",
            pgettext_lazy("audit", "erased a person's personal data"),
            details=[counts, REASON],
        ),
        ActionType(
            "core.personal_data_retain",
            pgettext_lazy("audit", "anonymised personal data past its retention period"),
            details=[counts],
            nobody=pgettext_lazy("audit", "the retention job"),
        ),
        ActionType(
            "core.retention_settings_change",
            pgettext_lazy("audit", "changed the retention periods"),
            details=[audit.FIELDS],
        ),
    )

    register(
        Holding(
            key="core.audit_actor",
            model="core.AuditLog",
            fields=("actor",),
            what=_("The audit log: what you did on the portal (bookings, sign-ups, changes)"),
            why=_("The office's record of who did what, for the city's audit"),
            who_sees=_("The office staff"),
            of_person=of_account("core.AuditLog", "actor"),
        ),
        Holding(
            key="core.audit_details",
            model="core.AuditLog",
            fields=("target_repr", "data"),
            what=_("Details written in the audit log (the name of a record, changed values)"),
            why=_("The office's record of who did what, for the city's audit"),
            who_sees=_("The office staff"),
            retention="audit_details",
            of_person=_audit_about,
            replace={"target_repr": BLANK, "data": {}},
            expired=lambda cutoff: _audit_model().objects.filter(created_at__lt=cutoff),
        ),
    )


def _audit_model():
    from core.models import AuditLog

    return AuditLog


def _audit_about(person: Person) -> models.QuerySet:
    """Audit rows about the person: their account as the record, or their address in the text."""
    from django.contrib.contenttypes.models import ContentType

    q = Q(pk__in=[])
    if person.user is not None:
        ct = ContentType.objects.get_for_model(person.user)
        q |= Q(target_type=ct, target_id=str(person.user_id))
        # Other records named after the person ("退会 花子 – 交流会", a consent): their text.
        name = (person.user.full_name or "").strip()
        if len(name) >= 2:
            q |= Q(target_repr__icontains=name)
    for email in person.emails:
        q |= Q(target_repr__icontains=email) | Q(data__icontains=email)
    return _audit_model().objects.filter(q)


def _count_total(value: Any) -> str:
    if isinstance(value, dict):
        return str(sum(int(v) for v in value.values() if isinstance(v, int)))
    return str(value)
