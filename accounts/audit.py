"""The accounts app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import FIELDS, ActionType, detail, flag, register

OWNER = detail("owner", pgettext_lazy("audit", "account"))
VERIFIED = flag("verified", pgettext_lazy("audit", "verified"))

register(
    ActionType(
        "accounts.email_address_add",
        pgettext_lazy("audit", "added an e-mail address"),
        details=[OWNER, VERIFIED],
    ),
    ActionType(
        "accounts.email_address_change",
        pgettext_lazy("audit", "changed an e-mail address"),
        details=[OWNER, FIELDS],
    ),
    ActionType(
        "accounts.email_address_remove",
        pgettext_lazy("audit", "removed an e-mail address"),
        details=[OWNER],
    ),
    ActionType(
        "accounts.email_address_verify",
        pgettext_lazy("audit", "marked an e-mail address as verified"),
        details=[OWNER],
    ),
    ActionType(
        "accounts.user_create",
        pgettext_lazy("audit", "added the account"),
        details=[FIELDS],
    ),
    ActionType(
        "accounts.user_update",
        pgettext_lazy("audit", "changed the account"),
        details=[FIELDS],
    ),
    ActionType(
        "accounts.user_password_set",
        pgettext_lazy("audit", "set the account's password"),
        details=[flag("usable", pgettext_lazy("audit", "password sign-in"))],
    ),
    ActionType(
        "accounts.official_role_grant",
        pgettext_lazy("audit", "gave the account the city official role"),
    ),
    ActionType(
        "accounts.official_role_revoke",
        pgettext_lazy("audit", "took the city official role from the account"),
    ),
    ActionType(
        "accounts.committee_role_grant",
        pgettext_lazy("audit", "gave the account the committee member role"),
    ),
    ActionType(
        "accounts.committee_role_revoke",
        pgettext_lazy("audit", "took the committee member role from the account"),
    ),
    ActionType(
        "accounts.account_close",
        pgettext_lazy("audit", "closed the account"),
        details=[
            flag("by_staff", pgettext_lazy("audit", "for the person, by the office")),
            detail("note", pgettext_lazy("audit", "how the person asked")),
            detail("sessions", pgettext_lazy("audit", "sessions ended")),
        ],
    ),
)
