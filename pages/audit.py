"""The pages app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import FIELDS, ActionType, detail, register

NUMBER = detail("number", pgettext_lazy("audit", "version"))
RESTORED = detail("restored", pgettext_lazy("audit", "restored from version"))
PAGE = detail("page", pgettext_lazy("audit", "page"))
TERMS = detail("terms", pgettext_lazy("audit", "terms of use version"))
PRIVACY = detail("privacy", pgettext_lazy("audit", "privacy policy version"))

register(
    ActionType("pages.page_create", pgettext_lazy("audit", "created the page"), details=[FIELDS]),
    ActionType(
        "pages.page_update", pgettext_lazy("audit", "changed the page's settings"), details=[FIELDS]
    ),
    ActionType(
        "pages.page_delete",
        pgettext_lazy("audit", "deleted an empty page"),
        details=[PAGE],
    ),
    ActionType(
        "pages.page_version_create", pgettext_lazy("audit", "saved a new version"), details=[NUMBER]
    ),
    ActionType(
        "pages.page_version_publish",
        pgettext_lazy("audit", "published a version"),
        details=[NUMBER],
    ),
    ActionType(
        "pages.page_version_restore",
        pgettext_lazy("audit", "restored an earlier version"),
        details=[NUMBER, RESTORED],
    ),
    ActionType(
        "pages.download_file_add",
        pgettext_lazy("audit", "added a file to download"),
        details=[PAGE],
    ),
    ActionType(
        "pages.download_file_remove",
        pgettext_lazy("audit", "removed a file to download"),
        details=[PAGE],
    ),
    ActionType(
        "pages.office_details_update",
        pgettext_lazy("audit", "updated the office's details"),
        details=[FIELDS],
    ),
    ActionType(
        "pages.consent_record",
        pgettext_lazy("audit", "agreed to the terms and the privacy policy"),
        details=[TERMS, PRIVACY],
    ),
)
