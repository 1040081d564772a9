"""The collaboration app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import FIELDS, ActionType, detail, register

DECISION = detail("decision", pgettext_lazy("audit", "decision"))
DEPARTMENT = detail("department", pgettext_lazy("audit", "department"))
DUE = detail("answer_due", pgettext_lazy("audit", "answer due"))
HELD_ON = detail("held_on", pgettext_lazy("audit", "held on"))
NAME = detail("name", pgettext_lazy("audit", "file"))

register(
    ActionType(
        "collaboration.partner_save", pgettext_lazy("audit", "saved a partner"), details=[FIELDS]
    ),
    ActionType("collaboration.partner_delete", pgettext_lazy("audit", "deleted a partner")),
    ActionType(
        "collaboration.official_assign",
        pgettext_lazy("audit", "placed an official in a department"),
        details=[DEPARTMENT],
    ),
    ActionType(
        "collaboration.official_remove",
        pgettext_lazy("audit", "took an official out of a department"),
    ),
    ActionType(
        "collaboration.settings_update",
        pgettext_lazy("audit", "changed when groups may propose projects"),
    ),
    ActionType(
        "collaboration.window_save", pgettext_lazy("audit", "saved a call window"), details=[FIELDS]
    ),
    ActionType("collaboration.window_delete", pgettext_lazy("audit", "deleted a call window")),
    ActionType(
        "collaboration.theme_save", pgettext_lazy("audit", "saved a theme"), details=[FIELDS]
    ),
    ActionType("collaboration.theme_publish", pgettext_lazy("audit", "published a theme")),
    ActionType("collaboration.theme_withdraw", pgettext_lazy("audit", "withdrew a theme")),
    ActionType(
        "collaboration.proposal_create", pgettext_lazy("audit", "drafted a joint-project proposal")
    ),
    ActionType(
        "collaboration.proposal_update",
        pgettext_lazy("audit", "edited a joint-project proposal"),
        details=[FIELDS],
    ),
    ActionType(
        "collaboration.proposal_submit",
        pgettext_lazy("audit", "submitted a joint-project proposal"),
    ),
    ActionType(
        "collaboration.proposal_withdraw",
        pgettext_lazy("audit", "withdrew a joint-project proposal"),
    ),
    ActionType(
        "collaboration.proposal_assign",
        pgettext_lazy("audit", "assigned a proposal to a department"),
        details=[DEPARTMENT, DUE],
    ),
    ActionType(
        "collaboration.proposal_answer",
        pgettext_lazy("audit", "answered a proposal"),
        details=[DECISION],
    ),
    ActionType(
        "collaboration.attachment_add",
        pgettext_lazy("audit", "attached a document to a proposal"),
        details=[NAME],
    ),
    ActionType(
        "collaboration.attachment_delete",
        pgettext_lazy("audit", "removed a document from a proposal"),
        details=[NAME],
    ),
    ActionType(
        "collaboration.meeting_record",
        pgettext_lazy("audit", "recorded a meeting about a proposal"),
        details=[HELD_ON],
    ),
)
