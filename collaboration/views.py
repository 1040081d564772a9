"""Collaboration's pages: thin, each asking collaboration.permissions and calling the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import is_office_staff
from collaboration import permissions, selectors, services
from collaboration.forms import (
    AgreementForm,
    AnswerForm,
    AssignForm,
    AttachmentForm,
    DocumentForm,
    EvaluationForm,
    FinalReportForm,
    MeetingForm,
    ProgressReportForm,
    ProposalForm,
    ThemeForm,
)
from collaboration.models import Evaluation, Project, ProjectFile, ProposalAttachment, Theme
from core.pagination import paginate
from core.uploads import safe_extension

PER_PAGE = 30


@require_safe
def index(request):
    user = request.user
    return render(
        request,
        "collaboration/index.html",
        {
            "open_themes": selectors.open_themes()[:3],
            "citizen_open": selectors.citizen_proposals_open(),
            "window": selectors.open_window(),
            "next_window": selectors.next_window(),
            "can_propose": permissions.can_propose(user),
            "can_use_desk": permissions.can_use_desk(user),
        },
    )


@require_safe
def themes(request):
    return render(
        request,
        "collaboration/themes.html",
        {
            "open_themes": selectors.open_themes(),
            "past_themes": selectors.past_themes()[:30],
            "can_propose": permissions.can_propose(request.user),
        },
    )


@require_safe
def theme(request, slug):
    theme = get_object_or_404(Theme.objects.select_related("department", "field"), slug=slug)
    if theme.status != Theme.Status.PUBLISHED:
        department = permissions.department_of(request.user)
        if not (
            is_office_staff(request.user) or (department and department.pk == theme.department_id)
        ):
            raise Http404
    return render(
        request,
        "collaboration/theme.html",
        {
            "theme": theme,
            "is_open": theme.is_open(),
            "can_propose": permissions.can_propose(request.user),
            "can_use_desk": permissions.can_use_desk(request.user),
        },
    )


@login_required
@require_safe
def proposals(request):
    """Our groups' proposals (a member), with their state; every proposal for the office."""
    if is_office_staff(request.user):
        found = selectors.all_proposals()
    else:
        groups = permissions.proposing_groups(request.user)
        if not groups.exists():
            raise PermissionDenied
        found = selectors.proposals_of_groups(groups)
    page_obj = paginate(request, found, PER_PAGE)
    return render(
        request,
        "collaboration/proposals.html",
        {
            "proposals": page_obj,
            "page_obj": page_obj,
            "is_staff": is_office_staff(request.user),
            "projects": []
            if is_office_staff(request.user)
            else selectors.projects_of_groups(permissions.proposing_groups(request.user)),
        },
    )


@login_required
def proposal_create(request):
    groups = permissions.proposing_groups(request.user)
    if not groups.exists():
        raise PermissionDenied
    theme = None
    slug = request.GET.get("theme") or request.POST.get("theme")
    if slug:
        theme = get_object_or_404(Theme.objects.published().select_related("department"), slug=slug)
    citizen_open = selectors.citizen_proposals_open()
    form = ProposalForm(request.POST or None, groups=groups)
    if theme:
        form.initial.setdefault("field", theme.field_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group = data.pop("group")
        try:
            proposal = services.proposal_create(
                actor=request.user, group=group, theme=theme, **data
            )
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your draft is saved. Add documents if you wish, then send it to the office."),
            )
            return redirect(proposal)
    return render(
        request,
        "collaboration/proposal_form.html",
        {"form": form, "theme": theme, "citizen_open": citizen_open},
    )


@login_required
@require_safe
def proposal(request, pk):
    proposal = permissions.proposal_for_viewer(pk, request.user)
    proposal = selectors.proposal_page(proposal)
    user = request.user
    can_edit = permissions.can_edit(user, proposal)
    # Staff, while the proposal waits on a department nobody in which uses the portal: reminded
    # of it, and they may enter the answer the department sends them.
    for_department = proposal.awaits_answer and permissions.can_record_answer_for_department(
        user, proposal
    )
    return render(
        request,
        "collaboration/proposal.html",
        {
            "proposal": proposal,
            "can_edit": can_edit,
            "can_assign": permissions.can_assign(user)
            and proposal.status in ("submitted", "assigned"),
            "can_answer": proposal.awaits_answer
            and (permissions.can_answer(user, proposal) or for_department),
            "department_unreachable": for_department,
            "can_record_meeting": permissions.can_record_meeting(user, proposal)
            and proposal.status in proposal.WITH_DEPARTMENT,
            "attachment_form": AttachmentForm() if can_edit else None,
            "max_attachments": services.MAX_ATTACHMENTS,
        },
    )


@login_required
def proposal_edit(request, pk):
    proposal = permissions.proposal_for_editor(pk, request.user)
    if not proposal.is_draft:
        messages.error(request, _("Only a draft can be edited; this proposal was sent."))
        return redirect(proposal)
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(actor=request.user, proposal=proposal, **form.cleaned_data)
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(proposal)
    return render(
        request,
        "collaboration/proposal_form.html",
        {"form": form, "proposal": proposal, "theme": proposal.theme},
    )


def _run(request, proposal, action, done: str):
    try:
        action()
    except services.CollaborationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(proposal)


# A group's step on its proposal: the service to call and what the group is told.
PROPOSAL_STEPS = {
    "submit": (
        services.proposal_submit,
        _lazy("Your proposal was sent to the office. You will hear from us by e-mail."),
    ),
    "withdraw": (services.proposal_withdraw, _lazy("The proposal was withdrawn.")),
}


@login_required
@require_POST
def proposal_step(request, pk, step):
    """Submit or withdraw (the URL names the step): the group's members only."""
    proposal = permissions.proposal_for_editor(pk, request.user)
    action, done = PROPOSAL_STEPS[step]
    return _run(request, proposal, lambda: action(actor=request.user, proposal=proposal), str(done))


@login_required
@require_safe
def proposal_withdraw_confirm(request, pk):
    """What withdrawing means, before the group's member does it (the POST goes to
    proposal_withdraw)."""
    proposal = permissions.proposal_for_editor(pk, request.user)
    if not proposal.can_be_withdrawn:
        messages.error(request, _("A decided or withdrawn proposal cannot be withdrawn."))
        return redirect(proposal)
    return render(request, "collaboration/proposal_withdraw.html", {"proposal": proposal})


@login_required
@require_POST
def attachment_add(request, pk):
    proposal = permissions.proposal_for_editor(pk, request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(proposal)
    content = form.cleaned_data["file"]
    return _run(
        request,
        proposal,
        lambda: services.attachment_add(
            actor=request.user, proposal=proposal, content=content, name=content.original_name
        ),
        _("The document was added."),
    )


@login_required
@require_safe
def attachment(request, pk):
    attachment = get_object_or_404(ProposalAttachment, pk=pk)
    permissions.proposal_for_viewer(attachment.proposal_id, request.user)
    return _download(attachment.file, f"proposal-{attachment.proposal_id}-{attachment.pk}")


def _download(file, stem: str):
    """A private file, sent as an attachment under a neutral name, never cached."""
    ext = safe_extension(file.name)
    types = {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
    }
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}.{ext}",
        content_type=types.get(ext, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def proposal_assign(request, pk):
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    proposal = permissions.proposal_for_viewer(pk, request.user)
    form = AssignForm(request.POST or None, departments=selectors.departments_to_assign())
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_assign(actor=request.user, proposal=proposal, **form.cleaned_data)
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            department = form.cleaned_data["department"]
            if department.reachable_officials:
                messages.success(
                    request,
                    _("The proposal went to %(department)s; they and the group were told.")
                    % {"department": department},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The proposal went to %(department)s and the group was told, but "
                        "%(department)s has no official on the portal: nobody there was told. "
                        "Tell the department yourself, or give one of its officials an account "
                        "(Department officials in the admin)."
                    )
                    % {"department": department},
                )
            return redirect(proposal)
    return render(request, "collaboration/assign.html", {"form": form, "proposal": proposal})


@login_required
def meeting_record(request, pk):
    proposal = permissions.proposal_for_viewer(pk, request.user)
    if not permissions.can_record_meeting(request.user, proposal):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(actor=request.user, proposal=proposal, **form.cleaned_data)
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect(proposal)
    return render(request, "collaboration/meeting_form.html", {"form": form, "proposal": proposal})


@login_required
def proposal_answer(request, pk):
    proposal = permissions.proposal_for_department(pk, request.user)
    if not proposal.awaits_answer:
        messages.error(
            request,
            _("This proposal was already answered (%(answer)s).")
            % {"answer": proposal.get_status_display()},
        )
        return redirect(proposal)
    # A department's official answers for it; staff only enter what a department nobody in
    # which uses the portal sent them (permissions.proposal_for_department).
    on_behalf = not permissions.can_answer(request.user, proposal)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_answer(
                actor=request.user,
                proposal=proposal,
                department=proposal.department
                if on_behalf
                else permissions.department_of(request.user),
                **form.cleaned_data,
            )
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The answer of %(department)s was recorded; the group was told by e-mail.")
                % {"department": proposal.department}
                if on_behalf
                else _("Your answer was saved; the group was told by e-mail."),
            )
            return redirect(proposal)
    return render(
        request,
        "collaboration/answer.html",
        {"form": form, "proposal": proposal, "on_behalf": on_behalf},
    )


@login_required
@require_safe
def desk(request):
    """The office's screening queue, or a department's proposals awaiting its answer."""
    user = request.user
    if not permissions.can_use_desk(user):
        raise PermissionDenied
    department = permissions.department_of(user)
    context = {
        "department": department,
        "is_staff": is_office_staff(user),
        "today": timezone.localdate(),
        "awaiting": selectors.awaiting_answer(department),
        "answered": selectors.answered(department),
    }
    if department is None:  # office staff
        context["queue"] = selectors.screening_queue()
    else:
        context["themes"] = selectors.themes_of(department)
    context["projects"] = selectors.projects_for_desk(department)
    return render(request, "collaboration/desk.html", context)


@login_required
def theme_create(request):
    department = permissions.department_of(request.user)
    if department is None:
        raise PermissionDenied
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        publish = data.pop("publish")
        try:
            theme = services.theme_save(
                actor=request.user, department=department, publish=publish, **data
            )
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The theme is published.") if publish else _("The theme is saved as a draft."),
            )
            return redirect(theme)
    return render(
        request, "collaboration/theme_form.html", {"form": form, "department": department}
    )


# --------------------------------------------------------------------------- projects (協働事業)


@require_safe
def projects(request):
    """Public: current and past projects, by field, with a filter by field."""
    fields = list(selectors.project_fields())
    chosen = next((f for f in fields if f.slug == request.GET.get("field")), None)
    found = list(selectors.public_projects(chosen.slug if chosen else None))
    return render(
        request,
        "collaboration/projects.html",
        {
            "fields": fields,
            "chosen": chosen,
            "current": [p for p in found if not p.is_completed],
            "past": [p for p in found if p.is_completed],
        },
    )


@require_safe
def project(request, slug):
    try:
        project = selectors.public_project(slug)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "collaboration/project.html",
        {
            "project": project,
            "can_work": request.user.is_authenticated
            and permissions.can_see_workspace(request.user, project),
        },
    )


@login_required
@require_safe
def project_workspace(request, slug):
    """The project's private page: agreement, documents, reports, the joint evaluation."""
    user = request.user
    project = selectors.project_workspace(permissions.project_for_workspace(slug, user))
    evaluations = {e.side: e for e in project.evaluations.all()}
    by_group = evaluations.get(Evaluation.Side.GROUP)
    by_department = evaluations.get(Evaluation.Side.DEPARTMENT)
    rows = []
    if by_group and by_department:
        rows = [
            (label, getattr(by_group, name), getattr(by_department, name))
            for name, label in Evaluation.CRITERIA
        ]
    side = permissions.evaluation_side(user, project)
    can_agree = permissions.can_record_agreement(user, project)
    return render(
        request,
        "collaboration/project_workspace.html",
        {
            "project": project,
            "agreement": getattr(project, "agreement", None),
            "final_report": getattr(project, "final_report", None),
            "evaluations": evaluations,
            "evaluation_done": len(evaluations) == 2,
            "group_evaluation": by_group,
            "department_evaluation": by_department,
            "evaluation_rows": rows,
            "side": side,
            "side_label": Evaluation.Side(side).label if side else "",
            "side_has_evaluated": side in evaluations,
            "can_agree": can_agree and project.status == Project.Status.PREPARING,
            "can_add_document": can_agree and project.status != Project.Status.PREPARING,
            "can_report": permissions.can_report(user, project) and project.is_running,
            "can_evaluate": side is not None and project.is_completed and side not in evaluations,
            "document_form": DocumentForm() if can_agree else None,
        },
    )


def _project_form(request, project, form, template: str, save, done, **extra):
    """``done``: the message once saved, or a function that gives its level and text then."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            level, text = done() if callable(done) else (messages.SUCCESS, done)
            messages.add_message(request, level, text)
            return redirect(project.get_workspace_url())
    return render(request, template, {"form": form, "project": project, **extra})


@login_required
def agreement_record(request, slug):
    project = permissions.project_for_agreement(slug, request.user)
    if project.status != Project.Status.PREPARING:
        messages.error(request, _("The agreement of this project was already recorded."))
        return redirect(project.get_workspace_url())
    form = AgreementForm(request.POST or None, request.FILES or None, project=project)
    return _project_form(
        request,
        project,
        form,
        "collaboration/agreement_form.html",
        lambda data: services.agreement_record(actor=request.user, project=project, **data),
        lambda: (
            (
                messages.WARNING,
                _(
                    "The agreement is recorded and the group was told, but nobody in "
                    "%(department)s uses the portal: tell the department yourself."
                )
                % {"department": project.department},
            )
            if selectors.department_has_nobody_on_the_portal(project.department)
            else (
                messages.SUCCESS,
                _("The agreement is recorded; the group and the department were told."),
            )
        ),
    )


@login_required
@require_POST
def project_document_add(request, slug):
    project = permissions.project_for_agreement(slug, request.user)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(project.get_workspace_url())
    content = form.cleaned_data["file"]
    try:
        services.project_document_add(
            actor=request.user, project=project, content=content, name=content.original_name
        )
    except services.CollaborationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was added."))
    return redirect(project.get_workspace_url())


@login_required
def progress_report_add(request, slug):
    project = permissions.project_for_reporter(slug, request.user)
    form = ProgressReportForm(request.POST or None, request.FILES or None)
    return _project_form(
        request,
        project,
        form,
        "collaboration/progress_report_form.html",
        lambda data: services.progress_report_add(actor=request.user, project=project, **data),
        lambda: (
            messages.SUCCESS,
            _("Your progress report was saved; the office was told.")
            if selectors.department_has_nobody_on_the_portal(project.department)
            else _("Your progress report was saved; the department and the office were told."),
        ),
    )


@login_required
def final_report_submit(request, slug):
    project = permissions.project_for_reporter(slug, request.user)
    if project.is_completed:
        messages.error(request, _("The final report of this project was already sent."))
        return redirect(project.get_workspace_url())
    form = FinalReportForm(request.POST or None)
    return _project_form(
        request,
        project,
        form,
        "collaboration/final_report_form.html",
        lambda data: services.final_report_submit(actor=request.user, project=project, **data),
        _("The final report was sent; the project is completed. Now evaluate it together."),
    )


@login_required
def evaluation_submit(request, slug):
    project, side = permissions.project_for_evaluator(slug, request.user)
    if project.evaluations.filter(side=side).exists():
        messages.error(
            request,
            _("%(side)s has already evaluated this project; each side evaluates once.")
            % {"side": Evaluation.Side(side).label},
        )
        return redirect(project.get_workspace_url())
    form = EvaluationForm(request.POST or None)
    return _project_form(
        request,
        project,
        form,
        "collaboration/evaluation_form.html",
        lambda data: services.evaluation_submit(
            actor=request.user, project=project, side=side, **data
        ),
        _("Your evaluation was saved."),
        side_label=Evaluation.Side(side).label,
    )


@login_required
@require_safe
def project_file(request, pk):
    item = get_object_or_404(ProjectFile.objects.select_related("project"), pk=pk)
    permissions.project_for_workspace(item.project.slug, request.user)
    return _download(item.file, f"project-{item.project_id}-{item.pk}")
