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

# Projects (協働事業): adoption, agreement, reports and the joint evaluation.
CONCLUDED_ON = detail("concluded_on", pgettext_lazy("audit", "concluded on"))
REPORTED_ON = detail("reported_on", pgettext_lazy("audit", "report date"))
SIDE = detail("side", pgettext_lazy("audit", "side"))
NEXT_YEAR = detail("next_year", pgettext_lazy("audit", "next year"))

register(
    ActionType(
        "collaboration.project_create",
        pgettext_lazy("audit", "made a joint project of an adopted proposal"),
    ),
    ActionType(
        "collaboration.agreement_record",
        pgettext_lazy("audit", "recorded a project's agreement"),
        details=[CONCLUDED_ON],
    ),
    ActionType(
        "collaboration.project_document_add",
        pgettext_lazy("audit", "added a document to a project's agreement"),
        details=[NAME],
    ),
    ActionType(
        "collaboration.progress_report_add",
        pgettext_lazy("audit", "wrote a project's progress report"),
        details=[REPORTED_ON],
    ),
    ActionType(
        "collaboration.final_report_submit",
        pgettext_lazy("audit", "sent a project's final report"),
    ),
    ActionType(
        "collaboration.evaluation_submit",
        pgettext_lazy("audit", "evaluated a joint project"),
        details=[SIDE, NEXT_YEAR],
    ),
)

# The go-between's record (collaboration/services_gobetween.py).
OUTCOME = detail("outcome", pgettext_lazy("audit", "outcome"))
KIND = detail("kind", pgettext_lazy("audit", "kind"))

register(
    ActionType(
        "collaboration.introduction_record",
        pgettext_lazy("audit", "recorded an introduction or a referral"),
        details=[KIND],
    ),
    ActionType(
        "collaboration.introduction_update",
        pgettext_lazy("audit", "changed an introduction's follow-up"),
        details=[FIELDS],
    ),
    ActionType(
        "collaboration.introduction_outcome",
        pgettext_lazy("audit", "recorded what came of an introduction"),
        details=[OUTCOME],
    ),
    ActionType(
        "collaboration.introduction_delete", pgettext_lazy("audit", "deleted an introduction")
    ),
)
