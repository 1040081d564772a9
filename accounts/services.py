from django.db import transaction

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
