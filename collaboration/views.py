"""Collaboration's pages: thin, each asking collaboration.permissions and calling the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.roles import is_office_staff
from collaboration import permissions, selectors, services
from collaboration.forms import (
    AnswerForm,
    AssignForm,
    AttachmentForm,
    MeetingForm,
    ProposalForm,
    ThemeForm,
)
from collaboration.models import ProposalAttachment, Theme
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
        {"proposals": page_obj, "page_obj": page_obj, "is_staff": is_office_staff(request.user)},
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
    return render(
        request,
        "collaboration/proposal.html",
        {
            "proposal": proposal,
            "can_edit": can_edit,
            "can_assign": permissions.can_assign(user)
            and proposal.status in ("submitted", "assigned"),
            "can_answer": permissions.can_answer(user, proposal) and proposal.awaits_answer,
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


@login_required
@require_POST
def proposal_submit(request, pk):
    proposal = permissions.proposal_for_editor(pk, request.user)
    return _run(
        request,
        proposal,
        lambda: services.proposal_submit(actor=request.user, proposal=proposal),
        _("Your proposal was sent to the office. You will hear from us by e-mail."),
    )


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = permissions.proposal_for_editor(pk, request.user)
    return _run(
        request,
        proposal,
        lambda: services.proposal_withdraw(actor=request.user, proposal=proposal),
        _("The proposal was withdrawn."),
    )


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
    ext = safe_extension(attachment.file.name)
    types = {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
    }
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"proposal-{attachment.proposal_id}-{attachment.pk}.{ext}",
        content_type=types.get(ext, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def proposal_assign(request, pk):
    if not permissions.can_assign(request.user):
        raise PermissionDenied
    proposal = permissions.proposal_for_viewer(pk, request.user)
    form = AssignForm(request.POST or None, departments=selectors.departments())
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_assign(actor=request.user, proposal=proposal, **form.cleaned_data)
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The proposal went to %(department)s; they and the group were told.")
                % {"department": form.cleaned_data["department"]},
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
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_answer(
                actor=request.user,
                proposal=proposal,
                department=permissions.department_of(request.user),
                **form.cleaned_data,
            )
        except services.CollaborationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your answer was saved; the group was told by e-mail."))
            return redirect(proposal)
    return render(request, "collaboration/answer.html", {"form": form, "proposal": proposal})


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
        "today": timezone.localdate(),
        "awaiting": selectors.awaiting_answer(department),
        "answered": selectors.answered(department),
    }
    if department is None:  # office staff
        context["queue"] = selectors.screening_queue()
    else:
        context["themes"] = selectors.themes_of(department)
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
