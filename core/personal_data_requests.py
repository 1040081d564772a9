"""Answering a person's request (開示請求): everything the portal holds about one person, as a page,
a JSON file and a printable HTML file, with corrections and erasure (issue 19, part 3).

Staff enter an e-mail address on the admin's request page (core/views_personal_data.py). What is
found comes from the personal-data registry (core/personal_data.py), never from a list of apps:

- ``person_report(email=...)`` asks every holding for the person's rows (``Holding.rows_of``),
  one query per holding whatever the number of rows (each holding's forward links are selected
  with its rows), and gives a ``Report``: one ``Section`` per holding that holds something, in the
  registry's order, each ``Record`` with the holding's personal fields first and the rest of the
  row after them. ``None`` when the portal holds nothing under the address.
- ``report_json(report)`` / ``report_html(report)``: the downloads (one file each).
- ``record_value_correct(...)``: the registry's correction hook: one personal text field of one
  row (never a link, a file, an address people sign in with or a field that must be unique),
  validated by the model's own field, written in a transaction and audited without the values.
- Erasing: a person with an account is erased by closing the account (accounts'
  ``account_close``, through the user admin's "close" decision: core does not import accounts);
  a person with no account is erased by ``person_erase``, the registry's ``erase`` of the
  address's rows (audited by the registry as ``core.personal_data_erase``).

Audit keys (``register_audit``, from core's ``AppConfig.ready``): ``core.personal_data_view``,
``core.personal_data_export``, ``core.personal_data_correct``. A row names the account when there
is one (its target); the address itself is never written in the audit log, only its keyed hash
(``core.personal_data.address_hash``), so the record of who looked stays after the person's data
is erased.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext, pgettext_lazy

from core import personal_data
from core.audit import log_action
from core.models import AuditLog
from core.personal_data import Holding, Person

# --------------------------------------------------------------------------- the report


@dataclass
class Value:
    """One field of one row, as people read it (``text``) and as the file keeps it (``data``)."""

    name: str
    label: str
    text: str
    data: Any
    personal: bool
    correctable: bool = False
    long: bool = False  # a text field: corrected in a text area


@dataclass
class Record:
    holding: str
    model: str  # app_label.ModelName
    pk: Any
    title: str
    personal: list[Value]
    other: list[Value]
    admin_url: str = ""

    @property
    def correctable(self) -> list[Value]:
        return [v for v in self.personal if v.correctable]


@dataclass
class Section:
    holding: Holding
    app: str
    records: list[Record]
    by_name: bool = False  # rows that only name the person (not linked to the account or address)

    @property
    def key(self) -> str:
        return self.holding.key

    @property
    def anchor(self) -> str:
        prefix = "named-" if self.by_name else "holding-"
        return prefix + self.holding.key.replace(".", "-").replace("_", "-")

    @property
    def retention(self) -> str:
        """How long the holding keeps its rows, in words."""
        if not self.holding.retention:
            return gettext("While the account or the record it belongs to exists")
        kind = personal_data.RETENTION[self.holding.retention]
        return gettext("%(days)s days %(since)s") % {
            "days": personal_data.retention_days(kind.key),
            "since": kind.since,
        }


@dataclass
class Report:
    email: str
    person: Person
    sections: list[Section]
    made_at: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    named: list[Section] = field(default_factory=list)  # rows naming the account's holder
    name: str = ""

    @property
    def user(self):
        return self.person.user

    @property
    def total(self) -> int:
        return sum(len(s.records) for s in self.sections)


def normalise(email: str) -> str:
    return (email or "").strip().lower()


def _forward_links(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def _text(obj, f: models.Field) -> tuple[str, Any]:
    """A field's value as text for people and as data for the JSON file (no query: the row's
    forward links are selected with it)."""
    if f.is_relation:
        related = getattr(obj, f.name) if f.is_cached(obj) else None
        raw = getattr(obj, f.attname)
        if related is None:
            return ("" if raw is None else str(raw)), raw
        return str(related), {"id": raw, "text": str(related)}
    value = f.value_from_object(obj)
    if value is None:
        return "", None
    if isinstance(f, models.FileField):
        name = getattr(value, "name", "") or ""
        return name, name
    if f.choices and not isinstance(value, list | dict):
        return str(dict(f.flatchoices).get(value, value)), value
    if isinstance(value, bool):
        return (pgettext("audit", "yes") if value else pgettext("audit", "no")), value
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local:%Y-%m-%d %H:%M}", value
    if isinstance(value, dt.date):
        return value.isoformat(), value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=_Encoder), value
    if hasattr(value, "lower") and hasattr(value, "upper") and hasattr(value, "bounds"):
        ends = [_text_of(value.lower), _text_of(value.upper)]  # a range (a booking's time)
        return " – ".join(ends), {"lower": value.lower, "upper": value.upper}
    return str(value), value


def _text_of(value) -> str:
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local:%Y-%m-%d %H:%M}"
    return "" if value is None else str(value)


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, and the text of anything else (an IP address, a range)."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def correctable(holding: Holding, f: models.Field) -> bool:
    """Whether staff may correct ``f`` from the request page: a personal text field of the
    holding, not a link, a file, a choice, a unique value or the password."""
    return (
        f.name in holding.fields
        and isinstance(f, models.CharField | models.TextField)  # EmailField is a CharField
        and not f.is_relation
        and not f.choices
        and not f.unique
        and f.editable
        and f.name != "password"
        # The addresses people sign in with are changed by the person and confirmed by mail.
        and not (isinstance(f, models.EmailField) and holding.order >= 900)
    )


def may_change(user, model) -> bool:
    """Staff correct what their permission group lets them change (never the audit log)."""
    if model is AuditLog:  # the record of who did what is not rewritten
        return False
    opts = model._meta
    return bool(user and user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))


def _admin_url(obj) -> str:
    model = type(obj)
    if model not in admin.site._registry:
        return ""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _record(holding: Holding, obj) -> Record:
    personal, other = [], []
    declared = {name: place for place, name in enumerate(holding.fields)}
    for f in type(obj)._meta.concrete_fields:
        if f.name == "password":
            continue  # a hash, not the person's data; never exported
        text, data = _text(obj, f)
        value = Value(
            name=f.name,
            label=capfirst(str(f.verbose_name)),
            text=text,
            data=data,
            personal=f.name in declared,
            correctable=correctable(holding, f),
            long=isinstance(f, models.TextField),
        )
        (personal if value.personal else other).append(value)
    personal.sort(key=lambda v: declared[v.name])
    return Record(
        holding=holding.key,
        model=type(obj)._meta.label,
        pk=obj.pk,
        title=str(obj),
        personal=personal,
        other=other,
        admin_url=_admin_url(obj),
    )


def _rows(holding: Holding, person: Person) -> list:
    """The holding's rows of the person, with their forward links: one query."""
    queryset = holding.rows_of(person)
    links = _forward_links(holding.model_class)
    if links:
        queryset = queryset.select_related(*links)
    return list(queryset.order_by("pk"))


def _app(holding: Holding) -> str:
    from django.apps import apps

    return str(apps.get_app_config(holding.model_class._meta.app_label).verbose_name)


def _text_fields(holding: Holding) -> list[str]:
    model = holding.model_class
    names = []
    for name in holding.fields:
        f = model._meta.get_field(name)
        if isinstance(f, models.CharField | models.TextField) and not f.choices:
            names.append(name)
    return names


def _named(name: str, found: dict[str, set]) -> list[Section]:
    """Rows of any holding whose personal text names ``name`` but that are not linked to the
    person (a registration phoned in under the name, an audit entry naming a record): shown
    apart, for staff to check with the person. One query per holding with text fields."""
    sections = []
    for holding in personal_data.holdings():
        if holding.of_person is None:
            continue
        texts = _text_fields(holding)
        if not texts:
            continue
        q = models.Q(pk__in=[])
        for text in texts:
            q |= models.Q(**{f"{text}__icontains": name})
        seen = found.setdefault(holding.model, set())
        queryset = holding.model_class.objects.filter(q).exclude(pk__in=seen)
        links = _forward_links(holding.model_class)
        rows = list((queryset.select_related(*links) if links else queryset).order_by("pk"))
        if rows:
            seen.update(r.pk for r in rows)
            sections.append(
                Section(
                    holding=holding,
                    app=_app(holding),
                    records=[_record(holding, r) for r in rows],
                    by_name=True,
                )
            )
    return sections


def _place(section: Section) -> tuple:
    """The person's account first (the holdings the registry erases last), the audit log last,
    the rest in the registry's order."""
    holding = section.holding
    first = holding.order >= 900
    last = holding.model_class is AuditLog
    return (0 if first else 2 if last else 1, -holding.order if first else holding.order)


def person_report(*, email: str, now: dt.datetime | None = None) -> Report | None:
    """Everything the holdings hold about the person with ``email`` (their account found by
    the address), or ``None`` when the portal holds nothing under it. With an account, the
    rows that only name its holder come apart (``Report.named``)."""
    address = normalise(email)
    if not address:
        return None
    person = Person.of_email(address)
    sections = []
    found: dict[str, set] = {}
    for holding in personal_data.holdings():
        if holding.of_person is None:
            continue
        rows = _rows(holding, person)
        if rows:
            found.setdefault(holding.model, set()).update(r.pk for r in rows)
            sections.append(
                Section(
                    holding=holding, app=_app(holding), records=[_record(holding, r) for r in rows]
                )
            )
    if not sections:
        return None
    sections.sort(key=_place)
    name = (getattr(person.user, "full_name", "") or "").strip()
    return Report(
        email=address,
        person=person,
        sections=sections,
        made_at=now or timezone.now(),
        counts={s.key: len(s.records) for s in sections},
        named=_named(name, found) if len(name) >= 2 else [],
        name=name if len(name) >= 2 else "",
    )


# --------------------------------------------------------------------------- downloads


def filename(report: Report, extension: str) -> str:
    return f"personal-data-{timezone.localtime(report.made_at):%Y%m%d-%H%M}.{extension}"


def _holdings_json(sections: list[Section]) -> list[dict]:
    return [
        {
            "key": s.key,
            "app": s.app,
            "what": str(s.holding.what),
            "why": str(s.holding.why),
            "who_sees": str(s.holding.who_sees),
            "kept": s.retention,
            "records": [
                {
                    "model": r.model,
                    "id": r.pk,
                    "title": r.title,
                    "personal": {v.name: v.data for v in r.personal},
                    "other": {v.name: v.data for v in r.other},
                }
                for r in s.records
            ],
        }
        for s in sections
    ]


def report_json(report: Report) -> bytes:
    """One JSON file: who asked about whom and when, then each holding with its rows, then the
    rows that only name the person (``named``)."""
    document = {
        "request": {
            "email": report.email,
            "addresses": sorted(report.person.emails),
            "account": report.user is not None,
            "made_at": report.made_at,
        },
        "holdings": _holdings_json(report.sections),
        "named": {"name": report.name, "holdings": _holdings_json(report.named)},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, cls=_Encoder).encode()


def report_html(report: Report, *, request=None) -> str:
    """A page that stands alone (its styles inline), to print or keep: the same sections as
    the request page, every field of every row."""
    return render_to_string(
        "core/personal_data/export.html",
        {
            "report": report,
            "made": date_format(timezone.localtime(report.made_at), "DATETIME_FORMAT"),
        },
        request=request,
    )


# --------------------------------------------------------------------------- audit


def _about(report: Report) -> dict:
    """What a request's audit row keeps: the account as the target, the address as its hash."""
    return {
        "target": report.user,
        "address": personal_data.address_hash(report.email),
        "rows": report.total,
    }


def request_view_record(*, actor, report: Report) -> None:
    log_action(actor=actor, action="core.personal_data_view", **_about(report))


def request_export_record(*, actor, report: Report, kind: str) -> None:
    log_action(actor=actor, action="core.personal_data_export", format=kind, **_about(report))


# --------------------------------------------------------------------------- correction


class CorrectionError(Exception):
    """A correction refused; the message is for the person who asked for it."""


def record_value_correct(
    *, actor, email: str, holding_key: str, pk: str, field_name: str, value: str
):
    """Correct one personal text field of one row the holding holds about the person with
    ``email`` (the row must still be theirs). Validated by the model's own field; audited as
    ``core.personal_data_correct`` with the field's name (the old and new values are not kept).
    Returns the row."""
    try:
        holding = personal_data.holding(holding_key)
    except KeyError:
        raise CorrectionError(gettext("This kind of data is not known.")) from None
    model = holding.model_class
    try:
        f = model._meta.get_field(field_name)
    except Exception:
        raise CorrectionError(gettext("This field cannot be corrected here.")) from None
    if not correctable(holding, f) or not may_change(actor, model):
        raise CorrectionError(gettext("This field cannot be corrected here."))
    person = Person.of_email(normalise(email))
    value = (value or "").strip() if not isinstance(f, models.TextField) else (value or "")
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        pk = None  # not a record's id: no record of the person has it
    with transaction.atomic():
        mine = holding.rows_of(person).filter(pk=pk).values("pk") if pk is not None else None
        row = (
            model.objects.select_for_update().filter(pk__in=mine).first()
            if mine is not None
            else None
        )
        if row is None:
            raise CorrectionError(
                gettext("This record no longer belongs to the person (it was changed or erased).")
            )
        try:
            cleaned = f.clean(value, row)
        except ValidationError as exc:
            raise CorrectionError(" ".join(exc.messages)) from None
        if getattr(row, f.attname) == cleaned:
            raise CorrectionError(gettext("The value is the same as before: nothing was changed."))
        setattr(row, f.attname, cleaned)
        try:
            with transaction.atomic():
                row.save(update_fields=[f.name])
        except IntegrityError:
            raise CorrectionError(
                gettext("Another record already has this value: nothing was changed.")
            ) from None
        log_action(
            actor=actor,
            action="core.personal_data_correct",
            target=row,
            holding=holding.key,
            fields=[f.name],
        )
    return row


# --------------------------------------------------------------------------- erasure


class EraseError(Exception):
    """An erasure refused; the message is for the person who asked for it."""


def person_erase(*, actor, email: str, reason: str = "") -> dict[str, int]:
    """Erase what the portal holds under an address that belongs to no account (the registry's
    ``erase``: anonymised, counted rows kept, audited as ``core.personal_data_erase``). A person
    with an account is erased by closing the account (``EraseError`` here)."""
    person = Person.of_email(normalise(email))
    if person.user is not None:
        raise EraseError(
            gettext("This address belongs to an account: close the account to erase the person.")
        )
    if not person.emails:
        raise EraseError(gettext("Enter the person's e-mail address."))
    return personal_data.erase(person, actor=actor, reason=reason or "request")


# --------------------------------------------------------------------------- start-up


def register_audit() -> None:
    """The request page's audit keys (core's ``AppConfig.ready``)."""
    from core import audit
    from core.audit import ActionType, detail, fields_detail

    rows = detail("rows", pgettext_lazy("audit", "rows"))
    audit.register(
        ActionType(
            "core.personal_data_view",
            pgettext_lazy("audit", "looked up a person's personal data"),
            details=[rows],
        ),
        ActionType(
            "core.personal_data_export",
            pgettext_lazy("audit", "downloaded a person's personal data"),
            details=[detail("format", pgettext_lazy("audit", "format")), rows],
        ),
        ActionType(
            "core.personal_data_correct",
            pgettext_lazy("audit", "corrected a person's personal data"),
            details=[fields_detail()],
        ),
    )


def admin_home_panel(request) -> dict:
    """The admin home's card leading to the request page (panel registry, ``admin_home``)."""
    return {"url": reverse("admin:personal_data_request")}
