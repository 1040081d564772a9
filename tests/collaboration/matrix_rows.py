"""The permission matrix's rows for collaboration (tests/security/matrix.py adds them).

The proposals are the group's (the ``member`` and ``representative`` roles), assigned to the
``department_official``'s department; the ``official`` role belongs to no department."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from tests.security import matrix as m

LOGIN = m.LOGIN
GROUP = {"member", "representative"}
ANY_GROUP = GROUP | {"other_member"}  # members of some registered group
VIEWERS = {"member", "representative", "staff", "department_official"}
DESK = {"staff", "department_official"}
DEPARTMENT = {"department_official"}
WORKSPACE = GROUP | DESK  # a project's group, its department and the office
AGREEMENT = DESK  # the office or the project's department

FIELDS = {
    "title": "見守りと食堂",
    "aim": "孤食を減らす",
    "activities": "月2回の食堂",
    "role_group": "運営",
    "role_city": "会場",
    "budget": 100000,
    "schedule": "9月開始",
}


def _theme(ctx):
    from collaboration import services
    from collaboration.models import Theme

    theme = Theme.objects.filter(slug__startswith="matrix").first()
    if theme:
        return theme
    theme = services.theme_save(
        actor=ctx.department_official,
        department=ctx.department,
        title="matrix theme",
        issue="課題",
        expectations="期待",
        deadline=dt.date.today() + dt.timedelta(days=60),
        publish=True,
    )
    theme.slug = "matrix-theme"
    theme.save(update_fields=["slug"])
    return theme


def _draft(ctx):
    from collaboration import services

    return services.proposal_create(actor=ctx.member, group=ctx.group, theme=_theme(ctx), **FIELDS)


def _submitted(ctx):
    from collaboration import services

    return services.proposal_submit(actor=ctx.member, proposal=_draft(ctx))


def _assigned(ctx):
    from collaboration import services

    return services.proposal_assign(
        actor=ctx.staff,
        proposal=_submitted(ctx),
        department=ctx.department,
        answer_due=dt.date.today() + dt.timedelta(days=30),
    )


def draft_pk(ctx) -> dict:
    return {"pk": _draft(ctx).pk}


def submitted_pk(ctx) -> dict:
    return {"pk": _submitted(ctx).pk}


def assigned_pk(ctx) -> dict:
    return {"pk": _assigned(ctx).pk}


def attachment_pk(ctx) -> dict:
    from collaboration import services

    proposal = _assigned(ctx)
    attachment = services.attachment_add(
        actor=ctx.member,
        proposal=proposal,
        content=ContentFile(b"%PDF-1.4\n%%EOF\n", name="x.pdf"),
        name="計画書.pdf",
    )
    return {"pk": attachment.pk}


def _project(ctx, state: str = "preparing"):
    from collaboration import services
    from collaboration.models import Project

    proposal = _assigned(ctx)
    services.proposal_answer(
        actor=ctx.department_official,
        proposal=proposal,
        department=ctx.department,
        decision="adopted",
        reasons="採択",
    )
    project = Project.objects.get(proposal=proposal)
    if state in ("running", "completed"):
        today = dt.date.today()
        services.agreement_record(
            actor=ctx.staff,
            project=project,
            role_group="運営",
            role_city="会場",
            budget=100000,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=300),
            concluded_on=today - dt.timedelta(days=31),
        )
    if state == "completed":
        services.final_report_submit(actor=ctx.member, project=project, results="成果", spending=1)
    return project


def project_slug(ctx) -> dict:
    return {"slug": _project(ctx).slug}


def running_slug(ctx) -> dict:
    return {"slug": _project(ctx, "running").slug}


def completed_slug(ctx) -> dict:
    return {"slug": _project(ctx, "completed").slug}


def project_file_pk(ctx) -> dict:
    from collaboration import services

    item = services.project_document_add(
        actor=ctx.staff,
        project=_project(ctx, "running"),
        content=ContentFile(b"%PDF-1.4\n%%EOF\n", name="x.pdf"),
        name="協定書.pdf",
    )
    return {"pk": item.pk}


def theme_slug(ctx) -> dict:
    return {"slug": _theme(ctx).slug}


def rows() -> dict[str, m.Row]:
    only, every, signed_in = m.only, m.every, m.signed_in
    posted = signed_in(405)
    return {
        "collaboration:index": m.Row(get=every(200), post=every(405)),
        "collaboration:themes": m.Row(get=every(200), post=every(405)),
        "collaboration:theme": m.Row(get=every(200), post=every(405), kwargs=theme_slug),
        "collaboration:proposals": m.Row(get=only(ANY_GROUP | {"staff"}), post=posted),
        "collaboration:proposal_create": m.Row(get=only(ANY_GROUP), post=only(ANY_GROUP)),
        "collaboration:proposal": m.Row(get=only(VIEWERS), post=posted, kwargs=assigned_pk),
        "collaboration:proposal_edit": m.Row(get=only(GROUP), post=only(GROUP), kwargs=draft_pk),
        "collaboration:proposal_submit": m.Row(
            get=posted, post=only(GROUP, status=302), kwargs=draft_pk
        ),
        "collaboration:proposal_withdraw": m.Row(
            get=posted, post=only(GROUP, status=302), kwargs=draft_pk
        ),
        "collaboration:proposal_withdraw_confirm": m.Row(
            get=only(GROUP), post=posted, kwargs=draft_pk
        ),
        "collaboration:attachment_add": m.Row(
            get=posted, post=only(GROUP, status=302), kwargs=draft_pk
        ),
        "collaboration:attachment": m.Row(get=only(VIEWERS), post=posted, kwargs=attachment_pk),
        "collaboration:proposal_assign": m.Row(
            get=only({"staff"}), post=only({"staff"}), kwargs=submitted_pk
        ),
        "collaboration:meeting_record": m.Row(get=only(DESK), post=only(DESK), kwargs=assigned_pk),
        "collaboration:proposal_answer": m.Row(
            get=only(DEPARTMENT), post=only(DEPARTMENT), kwargs=assigned_pk
        ),
        "collaboration:desk": m.Row(get=only(DESK), post=posted),
        "collaboration:theme_create": m.Row(get=only(DEPARTMENT), post=only(DEPARTMENT)),
        "collaboration:projects": m.Row(get=every(200), post=every(405)),
        "collaboration:project": m.Row(get=every(200), post=every(405), kwargs=project_slug),
        "collaboration:project_workspace": m.Row(
            get=only(WORKSPACE), post=posted, kwargs=project_slug
        ),
        "collaboration:agreement_record": m.Row(
            get=only(AGREEMENT), post=only(AGREEMENT), kwargs=project_slug
        ),
        "collaboration:project_document_add": m.Row(
            get=posted, post=only(AGREEMENT, status=302), kwargs=running_slug
        ),
        "collaboration:progress_report_add": m.Row(
            get=only(GROUP), post=only(GROUP), kwargs=running_slug
        ),
        "collaboration:final_report_submit": m.Row(
            get=only(GROUP), post=only(GROUP), kwargs=running_slug
        ),
        "collaboration:evaluation_submit": m.Row(
            get=only(GROUP | DEPARTMENT), post=only(GROUP | DEPARTMENT), kwargs=completed_slug
        ),
        "collaboration:project_file": m.Row(
            get=only(WORKSPACE), post=posted, kwargs=project_file_pk
        ),
    }
