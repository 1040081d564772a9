"""The news app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import FIELDS, ActionType, detail, register

TITLE = detail("title", pgettext_lazy("audit", "title"))
STATUS = detail("status", pgettext_lazy("audit", "status"))

register(
    ActionType(
        "news.news_post_save", pgettext_lazy("audit", "saved the news item"), details=[FIELDS]
    ),
    ActionType(
        "news.news_post_delete", pgettext_lazy("audit", "deleted the news item"), details=[TITLE]
    ),
    ActionType(
        "news.episode_save", pgettext_lazy("audit", "saved the programme episode"), details=[FIELDS]
    ),
    ActionType(
        "news.episode_delete",
        pgettext_lazy("audit", "deleted the programme episode"),
        details=[TITLE],
    ),
    ActionType(
        "news.opinion_submit",
        pgettext_lazy("audit", "sent an opinion"),
        nobody=pgettext_lazy("audit", "a visitor"),
    ),
    ActionType(
        "news.opinion_update",
        pgettext_lazy("audit", "updated the opinion's handling"),
        details=[STATUS, FIELDS],
    ),
)

register(
    ActionType(
        "news.appearance_request",
        pgettext_lazy("audit", "asked to appear on the programme"),
    ),
    ActionType(
        "news.appearance_schedule",
        pgettext_lazy("audit", "scheduled a group on the programme"),
        details=[detail("episode", pgettext_lazy("audit", "episode"))],
    ),
    ActionType(
        "news.appearance_decline",
        pgettext_lazy("audit", "declined a request to appear on the programme"),
    ),
)
