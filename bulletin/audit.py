"""The bulletin app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import FIELDS, REASON, ActionType, detail, flag, register

STATUS = detail("status", pgettext_lazy("audit", "status"))
NOTE = detail("note", pgettext_lazy("audit", "note"))
HIDDEN = flag("hidden", pgettext_lazy("audit", "hidden"))
TITLE = detail("title", pgettext_lazy("audit", "title"))
LIMIT = detail("yearly_limit", pgettext_lazy("audit", "posts a year"))

register(
    ActionType(
        "bulletin.post_create",
        pgettext_lazy("audit", "posted on the bulletin board"),
        details=[STATUS],
    ),
    ActionType(
        "bulletin.post_update", pgettext_lazy("audit", "edited the post"), details=[FIELDS, STATUS]
    ),
    ActionType(
        "bulletin.post_withdraw", pgettext_lazy("audit", "withdrew the post"), details=[NOTE]
    ),
    ActionType("bulletin.post_publish", pgettext_lazy("audit", "published the post")),
    ActionType("bulletin.post_hide", pgettext_lazy("audit", "hid the post"), details=[NOTE]),
    ActionType(
        "bulletin.post_report",
        pgettext_lazy("audit", "reported the post"),
        details=[REASON, HIDDEN],
        nobody=pgettext_lazy("audit", "a visitor"),
    ),
    ActionType("bulletin.post_delete", pgettext_lazy("audit", "deleted the post"), details=[TITLE]),
    ActionType("bulletin.report_resolve", pgettext_lazy("audit", "resolved a report")),
    ActionType(
        "bulletin.quota_update",
        pgettext_lazy("audit", "set the group's posting limit"),
        details=[LIMIT],
    ),
    ActionType(
        "bulletin.quota_delete", pgettext_lazy("audit", "removed the group's posting limit")
    ),
    ActionType(
        "bulletin.settings_update", pgettext_lazy("audit", "changed the bulletin board's settings")
    ),
)
