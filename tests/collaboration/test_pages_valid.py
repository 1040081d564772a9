"""Every collaboration page, as each role sees it, is valid HTML for the W3C Nu checker (the
site-wide check in tests/a11y runs over the demo; this one needs no demo and runs in seconds)."""

import datetime as dt

import pytest
from django.urls import reverse

from collaboration import services
from tests.a11y import vnu
from tests.collaboration.test_proposals import FIELDS, _clock, theme  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_collaboration_page_is_valid_html(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    theme,  # noqa: F811
    tmp_path,
):
    reason = vnu.unavailable_reason()
    if reason:
        pytest.skip(reason)
    draft = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    sent = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    services.proposal_submit(actor=member, proposal=sent)
    services.proposal_assign(
        actor=staff, proposal=sent, department=department, answer_due=dt.date(2026, 7, 1)
    )
    views = [
        (None, reverse("collaboration:index")),
        (None, reverse("collaboration:themes")),
        (None, theme.get_absolute_url()),
        (member, reverse("collaboration:proposals")),
        (member, reverse("collaboration:proposal_create") + f"?theme={theme.slug}"),
        (member, draft.get_absolute_url()),
        (member, reverse("collaboration:proposal_edit", args=[draft.pk])),
        (staff, reverse("collaboration:proposals")),
        (staff, reverse("collaboration:desk")),
        (staff, reverse("collaboration:proposal_assign", args=[sent.pk])),
        (staff, reverse("collaboration:meeting_record", args=[sent.pk])),
        (department_official, reverse("collaboration:desk")),
        (department_official, reverse("collaboration:proposal_answer", args=[sent.pk])),
        (department_official, reverse("collaboration:theme_create")),
        (department_official, sent.get_absolute_url()),
    ]
    files = {}
    for i, (user, url) in enumerate(views):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"page-{i}.html"
        path.write_bytes(response.content)
        files[path] = url
    problems = [
        f"{files[path]}: {error['message']} «{error.get('extract', '')[:80]}»"
        for path, errors in vnu.check(list(files)).items()
        for error in errors
    ]
    assert not problems, "\n".join(problems)
