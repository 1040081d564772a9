from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from core.audit import log_action
from core.text import normalise_phone


@transaction.atomic
def user_profile_update(
    *, user: User, full_name: str, full_name_kana: str = "", phone: str = ""
) -> User:
    user.full_name = full_name
    user.full_name_kana = full_name_kana
    user.phone = normalise_phone(phone)
    user.save(update_fields=["full_name", "full_name_kana", "phone"])
    return user


# Never named in an audit row, never compared: the password and the add form's two copies.
SECRET_FIELDS = {"password", "password1", "password2", "usable_password"}


@transaction.atomic
def user_save(*, actor, user: User, changed: list[str]) -> User:
    """Staff add an account or change one in the admin: saved only when something changed,
    with an audit row naming who changed which fields (never a password, nor its value).
    The many-to-many fields (groups, permissions) are saved by the caller's form and named
    here."""
    created = user.pk is None
    fields = sorted(set(changed) - SECRET_FIELDS)
    if not created and not fields:
        return user
    if created:
        user.save()
    else:
        concrete = {f.name for f in User._meta.concrete_fields}
        own = [name for name in fields if name in concrete]
        if own:
            user.save(update_fields=own)
    log_action(
        actor=actor,
        action="accounts.user_create" if created else "accounts.user_update",
        target=user,
        fields=fields,
    )
    return user


@transaction.atomic
def user_password_set_record(*, actor, user: User) -> None:
    """Staff set (or disabled) an account's password on the admin's password page, whose form
    has saved it in this transaction: the audit row says who did it to which account and
    whether the account can still sign in with a password; never the password."""
    log_action(
        actor=actor,
        action="accounts.user_password_set",
        target=user,
        usable=user.has_usable_password(),
    )


@transaction.atomic
def user_role_set(*, actor, users, role: str, give: bool) -> int:
    """Give or take the official or committee member role on ``users``; staff (not superusers)
    never change it on staff or superuser accounts. Each change audited; returns how many."""
    if not actor.is_superuser:
        users = users.filter(is_staff=False, is_superuser=False)
    # The keys are written out whole so the audit registry's scan (and a grep) finds them.
    if role == "official":
        change = roles.make_official if give else roles.remove_official
        action = "accounts.official_role_grant" if give else "accounts.official_role_revoke"
    elif role == "committee":
        change = roles.make_committee_member if give else roles.remove_committee_member
        action = "accounts.committee_role_grant" if give else "accounts.committee_role_revoke"
    else:
        raise ValueError(f"unknown role {role!r}")
    people = list(users)
    for user in people:
        change(user)
        log_action(actor=actor, action=action, target=user)
    return len(people)


# --------------------------------------------------------------------------- leaving (退会)
# A person closes their account (/accounts/delete/), or staff close it for a person who asks at
# the desk (the user admin's decision). Nothing is deleted that a figure counts: the account's
# row stays, without name, address or phone, and every app's personal data about the person is
# anonymised through the personal-data registry (core.personal_data), so the bookings,
# registrations, attendance and survey answers stay as anonymous records.


class AccountError(Exception):
    """Why an account cannot be closed (the message is for the person)."""


class AccountAlreadyClosed(AccountError):
    pass


@dataclass(frozen=True)
class Refusal:
    """Something the person must settle before leaving, and where to settle it."""

    message: str
    link: str = ""
    link_text: str = ""


class AccountCloseRefused(AccountError):
    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__(" ".join(r.message for r in refusals))


# Apps above accounts (groups: a group's last representative) tell what stops a person from
# leaving: ``closing_check(fn)`` with ``fn(user) -> Iterable[Refusal]``, from the app's
# personal_data module (imported by core at start-up). Each check costs a fixed number of queries.
_closing_checks: list[Callable[[User], Iterable[Refusal]]] = []


def closing_check(check: Callable[[User], Iterable[Refusal]]):
    if check not in _closing_checks:
        _closing_checks.append(check)
    return check


def closing_refusals(user: User, *, by_office: bool = False) -> list[Refusal]:
    """Why ``user`` cannot leave now (empty: they can). Staff and superuser accounts belong to
    the office: a superuser closes them in the admin (``by_office``)."""
    refusals = []
    if (user.is_staff or user.is_superuser) and not by_office:
        refusals.append(
            Refusal(
                _(
                    "An office staff account is closed by the office's administrator, not on "
                    "this page."
                )
            )
        )
    for check in _closing_checks:
        refusals.extend(check(user))
    return refusals


def _sessions_end(user: User) -> int:
    """Sign the account out everywhere: delete every session that belongs to it. The session
    engine keeps sessions in the database (settings: Django's default); with an engine that
    cannot be listed, the account's unusable password still ends them (the session's auth hash
    no longer matches)."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    key = str(user.pk)
    mine = [
        session.session_key
        for session in store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .only("session_key", "session_data")
        .iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == key
    ]
    for session_key in mine:
        store(session_key=session_key).delete()
    return len(mine)


@transaction.atomic
def account_close(*, actor, user: User, reason: str = "", now=None) -> User:
    """Close ``user``'s account: refused (``AccountCloseRefused``) while something must be
    settled first (a group's last representative), ``AccountAlreadyClosed`` a second time.
    The person's data in every app is anonymised (core.personal_data.erase), the account keeps
    no name, address or phone and cannot sign in, its e-mail addresses are removed (so the
    address can sign up again as a new account) and every session of it is ended. Audited as
    ``accounts.account_close`` without the erased values: who acted, whether staff did it for
    the person, and the staff's note of how the person asked."""
    from core import personal_data

    now = now or timezone.now()
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or locked.closed_at is not None:
        raise AccountAlreadyClosed(_("This account has already been closed."))
    user = locked
    by_staff = actor is not None and getattr(actor, "pk", None) != user.pk
    refusals = closing_refusals(user, by_office=by_staff)
    if refusals:
        raise AccountCloseRefused(refusals)
    person = personal_data.Person.of_user(user)
    # From here the account reads as "former user" (the registry's audit row names no one),
    # while the holdings still find the person's rows by the account and its addresses. The
    # account's own holding (accounts/personal_data.py, last) replaces its name, address and
    # phone, makes the password unusable and removes its e-mail addresses.
    user.closed_at = now
    counts = personal_data.erase(
        personal_data.Person(user=user, emails=person.emails),
        actor=actor if by_staff else user,
        reason="account_close",
    )
    user.refresh_from_db()
    user.closed_at = now
    user.is_staff = user.is_superuser = False
    user.save(update_fields=["closed_at", "is_staff", "is_superuser"])
    user.groups.clear()
    user.user_permissions.clear()
    ended = _sessions_end(user)
    log_action(
        actor=actor if by_staff else user,
        action="accounts.account_close",
        target=user,
        by_staff=by_staff,
        note=reason,
        sessions=ended,
        holdings=sorted(counts),
    )
    return user
