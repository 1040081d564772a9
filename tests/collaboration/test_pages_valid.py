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
    files = {}

    def fetch(views):
        for user, url in views:
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, url
            path = tmp_path / f"page-{len(files)}.html"
            path.write_bytes(response.content)
            files[path] = url

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
    fetch(views)
    adopted = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    services.proposal_submit(actor=member, proposal=adopted)
    services.proposal_assign(
        actor=staff, proposal=adopted, department=department, answer_due=dt.date(2026, 7, 1)
    )
    services.proposal_answer(
        actor=department_official,
        proposal=adopted,
        department=department,
        decision="adopted",
        reasons="採択",
    )
    project = adopted.project
    fetch(
        [
            (department_official, reverse("collaboration:agreement_record", args=[project.slug])),
            (member, project.get_workspace_url()),
        ]
    )
    services.agreement_record(
        actor=staff,
        project=project,
        role_group="運営",
        role_city="会場",
        budget=1000,
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2027, 3, 31),
        concluded_on=dt.date(2026, 6, 1),
    )
    services.progress_report_add(
        actor=member, project=project, reported_on=dt.date(2026, 6, 9), text="経過"
    )
    fetch(
        [
            (member, reverse("collaboration:progress_report_add", args=[project.slug])),
            (member, reverse("collaboration:final_report_submit", args=[project.slug])),
            (staff, project.get_workspace_url()),
        ]
    )
    services.final_report_submit(actor=member, project=project, results="成果", spending=900)
    fetch(
        [
            (department_official, reverse("collaboration:evaluation_submit", args=[project.slug])),
            (None, reverse("collaboration:projects")),
            (None, project.get_absolute_url()),
        ]
    )
    problems = [
        f"{files[path]}: {error['message']} «{error.get('extract', '')[:80]}»"
        for path, errors in vnu.check(list(files)).items()
        for error in errors
    ]
    assert not problems, "\n".join(problems)
