"""The groups app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import REASON, ActionType, detail, fields_detail, fiscal_year, flag, register
from groups.models import Membership

NUMBER = detail("registration_number", pgettext_lazy("audit", "registration number"))
FISCAL_YEAR = detail("fiscal_year", pgettext_lazy("audit", "fiscal year"), show=fiscal_year)
CHANGED = fields_detail("changed")
EMAIL = detail("email", pgettext_lazy("audit", "address"))
USER = detail("user", pgettext_lazy("audit", "member"))


def _role(value) -> str:
    try:
        return str(Membership.Role(value).label)
    except ValueError:
        return str(value)


ROLE = detail("role", pgettext_lazy("audit", "role"), show=_role)
TO = detail("to", pgettext_lazy("audit", "new representative"))
ROWS = detail("rows", pgettext_lazy("audit", "rows"))
PRIVATE = detail("private", pgettext_lazy("audit", "private columns"))
PHOTOS = detail("photos", pgettext_lazy("audit", "photos"))
ON_PAPER = flag("on_paper", pgettext_lazy("audit", "on paper"))
WITHDRAWN_ON = detail("on", pgettext_lazy("audit", "as of"))

register(
    ActionType(
        "groups.group_apply", pgettext_lazy("audit", "applied for registration"), details=[ON_PAPER]
    ),
    ActionType(
        "groups.group_approve",
        pgettext_lazy("audit", "approved the registration"),
        details=[NUMBER],
    ),
    ActionType(
        "groups.group_reject", pgettext_lazy("audit", "declined the application"), details=[REASON]
    ),
    ActionType("groups.group_resubmit", pgettext_lazy("audit", "sent the application again")),
    ActionType(
        "groups.group_suspend", pgettext_lazy("audit", "suspended the group"), details=[REASON]
    ),
    ActionType("groups.group_reinstate", pgettext_lazy("audit", "lifted the group's suspension")),
    ActionType(
        "groups.group_withdraw",
        pgettext_lazy("audit", "withdrew the group's registration"),
        details=[REASON, WITHDRAWN_ON],
    ),
    ActionType(
        "groups.group_profile_update",
        pgettext_lazy("audit", "updated the group's profile"),
        details=[CHANGED],
    ),
    ActionType(
        "groups.group_renew",
        pgettext_lazy("audit", "renewed the registration"),
        details=[FISCAL_YEAR],
    ),
    ActionType("groups.renewal_remind", pgettext_lazy("audit", "sent a renewal reminder")),
    ActionType("groups.contact_send", pgettext_lazy("audit", "sent the group a message")),
    ActionType(
        "groups.group_export",
        pgettext_lazy("audit", "downloaded a list of groups"),
        details=[ROWS, PRIVATE],
    ),
    ActionType(
        "groups.invitation_create", pgettext_lazy("audit", "invited a member"), details=[EMAIL]
    ),
    ActionType(
        "groups.invitation_revoke",
        pgettext_lazy("audit", "withdrew an invitation"),
        details=[EMAIL],
    ),
    ActionType("groups.invitation_accept", pgettext_lazy("audit", "joined the group")),
    ActionType(
        "groups.membership_set_role",
        pgettext_lazy("audit", "changed a member's role"),
        details=[USER, ROLE],
    ),
    ActionType(
        "groups.representative_hand_over",
        pgettext_lazy("audit", "handed over the representative's role"),
        details=[TO],
    ),
    ActionType("groups.membership_leave", pgettext_lazy("audit", "left the group")),
    ActionType(
        "groups.membership_remove", pgettext_lazy("audit", "removed a member"), details=[USER]
    ),
    ActionType(
        "groups.activity_record_create",
        pgettext_lazy("audit", "added an activity record"),
        details=[PHOTOS],
    ),
    ActionType(
        "groups.activity_record_update", pgettext_lazy("audit", "updated an activity record")
    ),
    ActionType(
        "groups.activity_record_delete", pgettext_lazy("audit", "deleted an activity record")
    ),
    # The office's own records and lists, kept in the admin.
    ActionType(
        "groups.category_create",
        pgettext_lazy("audit", "added an activity field or area"),
        details=[detail("name", pgettext_lazy("audit", "name"))],
    ),
    ActionType(
        "groups.category_update",
        pgettext_lazy("audit", "changed an activity field or area"),
        details=[fields_detail()],
    ),
    ActionType(
        "groups.category_delete",
        pgettext_lazy("audit", "removed an activity field or area"),
        details=[detail("name", pgettext_lazy("audit", "name"))],
    ),
    ActionType("groups.consultation_create", pgettext_lazy("audit", "logged a consultation")),
    ActionType(
        "groups.consultation_update",
        pgettext_lazy("audit", "corrected a consultation"),
        details=[fields_detail()],
    ),
    ActionType("groups.consultation_delete", pgettext_lazy("audit", "removed a consultation")),
    ActionType(
        "groups.document_delete",
        pgettext_lazy("audit", "removed a document"),
        details=[detail("kind", pgettext_lazy("audit", "kind"))],
    ),
)
