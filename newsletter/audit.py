"""The newsletter app's audit keys and how each reads in a sentence (see core/audit.py)."""

from django.utils.translation import pgettext_lazy

from core.audit import COUNT, FIELDS, ActionType, detail, how_many, register

RECIPIENTS = detail("recipients", pgettext_lazy("audit", "recipients"))
TO = detail("to", pgettext_lazy("audit", "to"))
JOBS = detail("jobs", pgettext_lazy("audit", "batches"), show=how_many)
VIA = detail("via", pgettext_lazy("audit", "via"))
POSTS = detail("posts", pgettext_lazy("audit", "posts"), show=how_many)
EVENTS = detail("events", pgettext_lazy("audit", "events"), show=how_many)
SEGMENT = detail("segment", pgettext_lazy("audit", "to whom"))
NUMBER = detail("number", pgettext_lazy("audit", "issue number"))
TITLE = detail("title", pgettext_lazy("audit", "title"))
SUBJECT = detail("subject", pgettext_lazy("audit", "subject"))
SUBSCRIBER = detail("subscriber", pgettext_lazy("audit", "subscriber number"))
EMAIL = detail("email", pgettext_lazy("audit", "address"))
BOUNCES = detail("count", pgettext_lazy("audit", "bounces lifted"))

register(
    ActionType(
        "newsletter.subscriber_subscribe",
        pgettext_lazy("audit", "subscribed to the newsletter"),
        nobody=pgettext_lazy("audit", "a visitor"),
    ),
    ActionType(
        "newsletter.subscriber_unsubscribe",
        pgettext_lazy("audit", "unsubscribed from the newsletter"),
        details=[VIA],
        nobody=pgettext_lazy("audit", "the subscriber"),
    ),
    ActionType(
        "newsletter.subscriber_suppress",
        pgettext_lazy("audit", "stopped mail to a bounced address"),
        nobody=pgettext_lazy("audit", "the portal (bounce)"),
    ),
    ActionType(
        "newsletter.issue_test_send",
        pgettext_lazy("audit", "sent a test of the issue"),
        details=[TO],
    ),
    ActionType(
        "newsletter.issue_send", pgettext_lazy("audit", "sent the issue"), details=[RECIPIENTS]
    ),
    ActionType(
        "newsletter.issue_failures_retry",
        pgettext_lazy("audit", "retried the failed mails"),
        details=[COUNT],
    ),
    ActionType(
        "newsletter.issue_send_resume",
        pgettext_lazy("audit", "resumed the sending"),
        details=[JOBS],
    ),
    ActionType(
        "newsletter.digest_create",
        pgettext_lazy("audit", "made the digest issue"),
        details=[POSTS, EVENTS],
        nobody=pgettext_lazy("audit", "the portal (scheduled)"),
    ),
    ActionType(
        "newsletter.office_message_create",
        pgettext_lazy("audit", "wrote a message from the office"),
        details=[SEGMENT],
    ),
    ActionType(
        "newsletter.office_message_update",
        pgettext_lazy("audit", "edited the message from the office"),
        details=[FIELDS],
    ),
    ActionType(
        "newsletter.office_message_test_send",
        pgettext_lazy("audit", "sent a test of the message"),
        details=[TO],
    ),
    ActionType(
        "newsletter.office_message_send",
        pgettext_lazy("audit", "sent the message from the office"),
        details=[RECIPIENTS],
    ),
    ActionType(
        "newsletter.office_message_failures_retry",
        pgettext_lazy("audit", "retried the message's failed mails"),
        details=[COUNT],
    ),
    ActionType(
        "newsletter.office_message_send_resume",
        pgettext_lazy("audit", "resumed sending the message"),
        details=[JOBS],
    ),
    ActionType(
        "newsletter.office_message_stop",
        pgettext_lazy("audit", "stopped sending the message"),
        details=[COUNT],
    ),
    # What staff change in the admin (issue #14 part 3).
    ActionType(
        "newsletter.issue_create",
        pgettext_lazy("audit", "wrote a newsletter issue"),
    ),
    ActionType(
        "newsletter.issue_update",
        pgettext_lazy("audit", "edited the newsletter issue"),
        details=[FIELDS],
    ),
    ActionType(
        "newsletter.issue_delete",
        pgettext_lazy("audit", "deleted a draft newsletter issue"),
        details=[NUMBER, TITLE],
    ),
    ActionType(
        "newsletter.subscriber_interests_change",
        pgettext_lazy("audit", "changed the subscriber's interests"),
    ),
    ActionType(
        "newsletter.subscriber_delete",
        pgettext_lazy("audit", "erased a subscriber"),
        details=[SUBSCRIBER],
    ),
    ActionType(
        "newsletter.bounce_lift",
        pgettext_lazy("audit", "lifted a bounce suppression"),
        details=[EMAIL, BOUNCES],
    ),
    ActionType(
        "newsletter.office_message_delete",
        pgettext_lazy("audit", "deleted a draft message from the office"),
        details=[SUBJECT],
    ),
)
