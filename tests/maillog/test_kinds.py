"""Each mail in a member's list says what it is about: every kind the portal's code gives its
mails (the X-Kyodo-Kind header, or the sending app's name) has a label of its own, not
"Other"."""

import re

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from maillog import services
from maillog.models import KIND_LABELS, SentMail
from tests.maillog.test_call_sites import REVIEWED, ROOT

HEADER_KIND = re.compile(r"""["']X-Kyodo-Kind["']\s*:\s*["'](\w+)["']""")


def named_kinds() -> set[str]:
    kinds = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.relative_to(ROOT).parts[0] in {".venv", "tests", "node_modules", "bench"}:
            continue
        kinds |= set(HEADER_KIND.findall(path.read_text(encoding="utf-8")))
    return kinds


def test_every_kind_of_mail_the_portal_sends_has_a_label():
    sending_apps = {path.split("/")[0] for path, _function, _call in REVIEWED} - {"maillog"}
    kinds = named_kinds() | sending_apps
    assert {"collaboration", "programme", "facilities"} <= kinds  # the scan finds them
    assert kinds - set(KIND_LABELS) == set()


@pytest.mark.django_db
def test_a_collaboration_mail_is_labelled_as_such_in_japanese():
    message = EmailMessage("件名", "本文", to=["member@example.org"])
    services.sent_mail_record(message=message, kind="collaboration", secret=False)
    assert SentMail.objects.get().kind_label == "協働"


@pytest.mark.django_db
def test_staff_read_and_filter_the_kind_in_words_in_the_admin(client_for):
    for kind in ("collaboration", "facilities"):
        message = EmailMessage(f"件名 {kind}", "本文", to=["member@example.org"])
        services.sent_mail_record(message=message, kind=kind, secret=False)
    client = client_for("staff")
    page = client.get(reverse("admin:maillog_sentmail_changelist")).content.decode()
    assert '<td class="field-kind_shown">協働</td>' in page
    assert '<td class="field-kind_shown">予約</td>' in page
    assert "?kind=collaboration" in page  # the filter, named 協働
    filtered = client.get(reverse("admin:maillog_sentmail_changelist") + "?kind=collaboration")
    assert "件名 collaboration" in filtered.content.decode()
    assert "件名 facilities" not in filtered.content.decode()
