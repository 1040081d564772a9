"""Views of the groups app: check permission, bind the form, call the service, redirect."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.forms import FileInput
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import registry
from core.fiscal import FiscalYear
from core.forms import (
    KEPT_SUFFIX,
    kept_uploads_hold,
    kept_uploads_release,
    kept_uploads_restore,
)
from core.pagecache import public_page
from core.pagination import paginate
from core.ratelimit import limit_hit, rate_limited
from groups import selectors, services
from groups.cards import directory_cards
from groups.exports import PUBLIC_COLUMNS, csv_download
from groups.forms import (
    APPLY_STEP_KEYS,
    APPLY_STEPS,
    ActivityRecordForm,
    ApplyStep,
    ContactForm,
    DirectoryFilterForm,
    GroupApplyForm,
    GroupProfileForm,
    InviteForm,
    RenewalForm,
    apply_step,
    suggested_page_address,
)
from groups.models import ActivityRecord, Group, GroupDocument, GroupRenewal, Membership
from groups.permissions import (
    can_act_for,
    can_apply,
    can_contact,
    can_edit_group,
    can_edit_private_contact,
    can_manage_members,
    can_renew,
    can_see_partner_suggestions,
    can_view_documents,
    group_for_acting_member,
    group_for_member,
    group_for_renewal,
    group_for_representative,
    group_for_viewer,
    groups_user_can_act_for,
    has_verified_email,
    is_member,
    membership_of,
)
from groups.services import AlreadySubmitted, GroupError, PhotoLimitReached

DIRECTORY_PAGE_SIZE = 20
ACTIVITY_PAGE_SIZE = 12
CONTACT_RATE = "5/h"


# --------------------------------------------------------------------------- directory


def _directory_filters(request, choices=None):
    choices = choices or selectors.filter_choices()
    form = DirectoryFilterForm(
        request.GET or None, field_choices=choices["fields"], area_choices=choices["areas"]
    )
    return form, form.filters()


@require_GET
@public_page("groups:directory")
def directory(request):
    choices = selectors.filter_choices()
    form, filters = _directory_filters(request, choices)
    page_obj = selectors.directory_page(
        selectors.directory(**filters),
        request.GET.get("page"),
        DIRECTORY_PAGE_SIZE,
        choices=choices,
    )
    my_groups = list(groups_user_can_act_for(request.user))
    return render(
        request,
        "groups/directory.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "groups": page_obj.object_list,
            "cards": directory_cards(page_obj.object_list),
            "my_groups": my_groups,
            "is_filtered": any(filters[k] for k in ("q", "field", "area", "looking_for")),
        },
    )


@require_GET
def directory_csv(request):
    """Open data: the directory (with the same filters) as CSV, public columns only."""
    _form, filters = _directory_filters(request)
    return csv_download(selectors.directory(**filters), PUBLIC_COLUMNS)


@require_GET
@public_page("groups:recent_activities")
def recent_activities(request):
    page_obj = paginate(request, selectors.recent_activities(), ACTIVITY_PAGE_SIZE)
    return render(
        request,
        "groups/recent_activities.html",
        {"page_obj": page_obj, "records": page_obj.object_list},
    )


# --------------------------------------------------------------------------- registration


def _photos_left(request) -> int | None:
    """The member's hourly picture budget, asked only when pictures were sent."""
    if request.method == "POST" and request.FILES:
        return services.photos_left_this_hour(request.user)
    return None


def _add_service_error(form, exc: GroupError, photo_field: str) -> None:
    """A rule's message goes on the form; the hourly photo limit on the picture field."""
    form.add_error(photo_field if isinstance(exc, PhotoLimitReached) else None, str(exc))


APPLY_SESSION_KEY = "groups.apply"


def _apply_state(request) -> dict:
    """The application in progress, kept in the session between steps: what each finished step
    posted (``data``), the held files' tokens (``files``) and the steps done."""
    state = request.session.get(APPLY_SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("data"), dict):
        state = {"data": {}, "files": {}, "done": [], "token": str(uuid.uuid4())}
    return state


def _apply_save(request, state: dict) -> None:
    request.session[APPLY_SESSION_KEY] = state
    request.session.modified = True


def _apply_data(state: dict, extra=None) -> QueryDict:
    """Everything posted so far as one form post: the steps' values, the held files' tokens."""
    data = QueryDict(mutable=True)
    for name, values in state["data"].items():
        data.setlist(name, values)
    for name, tokens in state["files"].items():
        data.setlist(name + KEPT_SUFFIX, tokens)
    data["submission_token"] = state["token"]
    if extra is not None:
        for name in extra:
            data.setlist(name, extra.getlist(name))
    return data


def _apply_first_open_step(state: dict) -> ApplyStep:
    return next((s for s in APPLY_STEPS if s.key not in state["done"]), APPLY_STEPS[-1])


def _apply_summary(state: dict) -> list[dict]:
    """What the check step shows: each earlier step's answers, readable, with a change link."""
    form = GroupApplyForm(_apply_data(state))
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    sections = []
    for step in APPLY_STEPS[:-1]:
        rows = []
        for name in step.fields:
            field = form.fields[name]
            value = cleaned.get(name)
            if name in state["files"]:
                value = "、".join(shown for _t, shown in field.widget.kept) or value
            elif hasattr(value, "all"):
                value = "、".join(str(v) for v in value)
            elif isinstance(value, list):
                labels = dict(field.choices) if hasattr(field, "choices") else {}
                value = "、".join(str(labels.get(v, v)) for v in value)
            if value not in (None, "", [], ()):
                rows.append({"label": field.label, "value": value})
        sections.append({"step": step, "rows": rows})
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """仮登録 in short steps (APPLY_STEPS): each step checks its own fields and keeps them (files
    held, core.uploads) in the session; the last shows everything, the page address made from the
    reading, the declaration, and sends. Works without JavaScript. A post of the whole form at
    once (no ``step``) is still accepted."""
    if not can_apply(request.user):
        raise PermissionDenied(
            _("Please confirm your e-mail address first: then you can apply to register a group.")
        )
    if request.method == "POST" and services.application_already_sent(
        request.POST.get("submission_token")
    ):
        # The same form posted twice (a double click, a reload): the first post counted.
        messages.info(request, _("This application has already been sent."))
        return redirect("my_account")
    if request.method == "POST" and request.POST.get("step") not in APPLY_STEP_KEYS:
        return _apply_all_at_once(request)
    state = _apply_state(request)
    if request.method == "POST":
        step = apply_step(request.POST["step"])
        if step.key == APPLY_STEPS[-1].key:
            return _apply_send(request, state)
        form = GroupApplyForm(
            _apply_data(state, request.POST),
            request.FILES or None,
            step=step,
            photos_left=_photos_left(request),
        )
        if form.is_valid():
            for name in step.fields:
                if name in form.fields and not isinstance(form.fields[name].widget, FileInput):
                    state["data"][name] = request.POST.getlist(name)
            for name in step.fields:
                state["files"].pop(name, None)
            state["files"].update(kept_uploads_hold(form))
            if step.key not in state["done"]:
                state["done"].append(step.key)
            _apply_save(request, state)
            following = _apply_first_open_step(state)
            return redirect(f"{reverse('groups:apply')}?step={following.key}")
        return _apply_render(request, state, step, form)
    wanted = apply_step(request.GET.get("step"))
    first_open = _apply_first_open_step(state)
    if APPLY_STEP_KEYS.index(wanted.key) > APPLY_STEP_KEYS.index(first_open.key):
        wanted = first_open  # a later step only once the earlier ones are done
    _apply_save(request, state)
    form = GroupApplyForm(step=wanted, initial=_apply_initial(state, wanted))
    kept_uploads_restore(form, state["files"])
    return _apply_render(request, state, wanted, form)


def _apply_initial(state: dict, step: ApplyStep) -> dict:
    initial = {"submission_token": state["token"]}
    multiple = {"fields", "areas", "looking_for"}
    for name, values in state["data"].items():
        initial[name] = values if name in multiple else (values[0] if values else "")
    if step.key == APPLY_STEPS[-1].key and not initial.get("slug"):
        initial["slug"] = suggested_page_address(initial.get("name_kana", ""))
    return initial


def _apply_render(request, state: dict, step: ApplyStep, form):
    index = APPLY_STEP_KEYS.index(step.key)
    return render(
        request,
        "groups/apply.html",
        {
            "form": form,
            "step": step,
            "steps": APPLY_STEPS,
            "step_number": index + 1,
            "step_count": len(APPLY_STEPS),
            "done": state["done"],
            "previous": APPLY_STEPS[index - 1] if index else None,
            "is_last": step.key == APPLY_STEPS[-1].key,
            "summary": _apply_summary(state) if step.key == APPLY_STEPS[-1].key else None,
        },
    )


def _apply_send(request, state: dict):
    """The last step: check the whole application again and send it."""
    last = APPLY_STEPS[-1]
    data = _apply_data(state, request.POST)
    form = GroupApplyForm(data, photos_left=None)
    if form.is_valid():
        try:
            group = _apply_submit(request, form)
        except _Redirect as redirect_to:
            request.session.pop(APPLY_SESSION_KEY, None)
            return redirect_to.response
        if group is not None:
            request.session.pop(APPLY_SESSION_KEY, None)
            return _apply_done(request, group)
    # Show the first step with a problem (an earlier step's answer may have gone stale: the
    # name taken meanwhile, a held file expired); its answers and files are kept.
    bad = next((s for s in APPLY_STEPS if any(name in form.errors for name in s.fields)), last)
    step_form = GroupApplyForm(data, step=bad, photos_left=None)
    step_form.is_valid()
    for error in form.non_field_errors():
        step_form.add_error(None, error)
    if bad.key != last.key and bad.key in state["done"]:
        state["done"].remove(bad.key)
        _apply_save(request, state)
    return _apply_render(request, state, bad, step_form)


def _apply_submit(request, form):
    """Call the service with a valid full form; None (and the error on the form) on refusal."""
    try:
        group = services.group_apply(
            actor=request.user,
            data=form.profile_data(),
            fields=form.cleaned_data["fields"],
            areas=form.cleaned_data["areas"],
            documents=form.documents(),
            logo=form.cleaned_data.get("logo_upload"),
            submission_token=form.cleaned_data.get("submission_token"),
        )
    except AlreadySubmitted as exc:
        messages.info(request, str(exc))
        raise _Redirect(redirect("my_account")) from exc
    except GroupError as exc:
        _add_service_error(form, exc, "logo_upload")
        return None
    kept_uploads_release(form)
    return group


class _Redirect(Exception):
    def __init__(self, response):
        self.response = response


def _apply_done(request, group):
    messages.success(
        request,
        _(
            "Thank you. We received the application of %(group)s. The office will check it "
            "and tell you by e-mail; we sent you an e-mail saying what happens next."
        )
        % {"group": group.name},
    )
    return redirect("my_account")


def _apply_all_at_once(request):
    form = GroupApplyForm(request.POST, request.FILES or None, photos_left=_photos_left(request))
    if form.is_valid():
        try:
            group = _apply_submit(request, form)
        except _Redirect as redirect_to:
            return redirect_to.response
        if group is not None:
            return _apply_done(request, group)
    return render(request, "groups/apply_all.html", {"form": form})


@login_required
@require_POST
def resubmit(request, slug):
    group = group_for_representative(slug, request.user)
    try:
        services.group_resubmit(actor=request.user, group=group)
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The application was sent again."))
    return redirect(group.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def renew(request, slug):
    group = group_for_renewal(slug, request.user)
    fiscal_year = FiscalYear.current()
    renewal = GroupRenewal.objects.filter(group=group, fiscal_year=fiscal_year.year).first()
    form = None
    if renewal is None:
        form = RenewalForm(request.POST or None, request.FILES or None, instance=group)
        if request.method == "POST" and form.is_valid():
            try:
                services.group_renew(
                    actor=request.user,
                    group=group,
                    data={k: form.cleaned_data[k] for k in services.PRIVATE_FIELDS},
                    note=form.cleaned_data.get("note", ""),
                    documents=form.documents(),
                    fiscal_year=fiscal_year.year,
                )
            except GroupError as exc:
                messages.info(request, str(exc))
            else:
                kept_uploads_release(form)
                messages.success(
                    request,
                    _("Thank you. The registration is renewed for %(year)s.")
                    % {"year": fiscal_year.label},
                )
            return redirect("groups:renew", slug=group.slug)
    elif request.method == "POST":
        messages.info(
            request,
            _("The registration is already renewed for %(year)s.") % {"year": fiscal_year.label},
        )
        return redirect("groups:renew", slug=group.slug)
    return render(
        request,
        "groups/renew.html",
        {"group": group, "form": form, "renewal": renewal, "fiscal_year": fiscal_year},
    )


@login_required
@require_GET
def document(request, pk):
    """Registration documents: staff only, streamed from private storage."""
    if not can_view_documents(request.user):
        raise PermissionDenied(_("Only the office staff can open registration documents."))
    doc = get_object_or_404(GroupDocument.objects.select_related("group"), pk=pk)
    content_types = {
        "pdf": "application/pdf",
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
    }
    ext = doc.extension
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{doc.group.slug}-{doc.kind}.{ext}",
        content_type=content_types.get(ext, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- group page


@require_GET
@public_page("groups:detail")
def detail(request, slug):
    group = selectors.group_page(group_for_viewer(slug, request.user))
    user = request.user
    membership = membership_of(user, group)
    show_partners = can_see_partner_suggestions(user, group) and group.is_registered
    initial = {}
    if user.is_authenticated:
        initial = {"sender_name": user.get_full_name(), "sender_email": user.email}
    context = {
        "group": group,
        "membership": membership,
        "records": list(selectors.activity_records_for_group(group)[:5]),
        "panels": registry.gather("group_page", group),
        "can_edit": can_edit_group(user, group),
        "can_manage": can_manage_members(user, group),
        "can_post": can_act_for(user, group),
        "can_renew": can_renew(user, group),
        "renewal_due": can_renew(user, group) and services.renewal_due(group),
        "suggestions": selectors.partner_suggestions(group, limit=5) if show_partners else None,
        "stale": bool(membership) and services.profile_is_stale(group),
        "contact_form": (
            ContactForm(initial=initial, can_copy=has_verified_email(user))
            if can_contact(user, group)
            else None
        ),
    }
    return render(request, "groups/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    group = group_for_member(slug, request.user)
    form = GroupProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=group,
        include_private=can_edit_private_contact(request.user, group),
        photos_left=_photos_left(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_profile_update(
                actor=request.user,
                group=group,
                data=form.profile_data(),
                fields=form.cleaned_data["fields"],
                areas=form.cleaned_data["areas"],
                logo=form.cleaned_data.get("logo_upload"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except GroupError as exc:
            _add_service_error(form, exc, "logo_upload")
        else:
            kept_uploads_release(form)
            messages.success(request, _("The group's page was updated."))
            return redirect(group.get_absolute_url())
    # The page heading keeps the stored name even while the form shows edits with errors.
    group.refresh_from_db(fields=["name"])
    return render(request, "groups/edit.html", {"group": group, "form": form})


@login_required
@require_GET
def partners(request, slug):
    group = group_for_member(slug, request.user)
    if not group.is_registered:
        raise PermissionDenied(_("Partner suggestions are shown once the group is registered."))
    page_obj = paginate(request, selectors.ranked_partners(group), DIRECTORY_PAGE_SIZE)
    suggestions = selectors.suggestions_for_ids(group, page_obj.object_list)
    return render(
        request,
        "groups/partners.html",
        {"group": group, "page_obj": page_obj, "suggestions": suggestions},
    )


@require_http_methods(["GET", "POST"])
def contact(request, slug):
    group = group_for_viewer(slug, request.user)
    if not group.is_registered:
        raise Http404
    if not can_contact(request.user, group):
        messages.info(
            request,
            _("You are a member of this group: the contact form is for people outside it."),
        )
        return redirect(group.get_absolute_url())
    can_copy = has_verified_email(request.user)
    form = ContactForm(request.POST or None, can_copy=can_copy)
    if request.method == "POST":
        if limit_hit(request, scope="groups.contact", rate=CONTACT_RATE):
            return rate_limited(request)
        if form.is_valid():
            token = form.cleaned_data.get("submission_token")
            if token and not cache.add(f"groups.contact.{token}", 1, timeout=24 * 3600):
                messages.info(request, _("Your message has already been sent."))
                return redirect(group.get_absolute_url())
            try:
                services.contact_send(
                    group=group,
                    sender_name=form.cleaned_data["sender_name"],
                    sender_email=form.cleaned_data["sender_email"],
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                    copy_to_sender=request.user if form.cleaned_data.get("send_copy") else None,
                )
            except GroupError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your message was sent to %(group)s. They will reply to your e-mail address.")
                    % {"group": group.name},
                )
                return redirect(group.get_absolute_url())
    return render(request, "groups/contact.html", {"group": group, "form": form})


# --------------------------------------------------------------------------- members


def _members_page(request, group: Group, *, invite_form: InviteForm | None = None):
    can_manage = can_manage_members(request.user, group)
    memberships = list(selectors.members_of(group))
    if can_manage and invite_form is None:
        invite_form = InviteForm()
    return render(
        request,
        "groups/members.html",
        {
            "group": group,
            "memberships": memberships,
            "representative_count": sum(m.is_representative for m in memberships),
            "invitations": list(selectors.open_invitations_of(group)) if can_manage else [],
            "invite_form": invite_form if can_manage else None,
            "can_manage": can_manage,
            "my_membership": membership_of(request.user, group),
        },
    )


@login_required
@require_GET
def members(request, slug):
    return _members_page(request, group_for_member(slug, request.user))


@login_required
@require_POST
def invite(request, slug):
    group = group_for_representative(slug, request.user)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, group=group, email=form.cleaned_data["email"]
            )
        except GroupError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("groups:members", slug=group.slug)
    # Shown again with what was typed and the error at the field, so a typo is easy to fix.
    return _members_page(request, group, invite_form=form)


def _membership_in(group: Group, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=pk, group=group)


@login_required
@require_POST
def member_role(request, slug, pk):
    group = group_for_representative(slug, request.user)
    membership = _membership_in(group, pk)
    role = request.POST.get("role", "")
    if (
        membership.user_id == request.user.pk
        and membership.is_representative
        and role == Membership.Role.MEMBER
    ):
        # Stepping down cannot be undone by oneself: it asks first on its own page.
        return redirect("groups:step_down", slug=group.slug)
    try:
        services.membership_set_role(actor=request.user, membership=membership, role=role)
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": membership.user, "role": Membership.Role(role).label},
        )
    return redirect("groups:members", slug=group.slug)


def _confirm_page(request, group: Group, action: str, membership: Membership):
    """The step before an action that cannot be undone by the person taking it: says what
    will happen and posts to the same address (works without JavaScript)."""
    return render(
        request,
        "groups/member_confirm.html",
        {
            "group": group,
            "action": action,
            "membership": membership,
            "last_representative": services.is_last_representative(membership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_hand_over(request, slug, pk):
    group = group_for_representative(slug, request.user)
    membership = _membership_in(group, pk)
    if request.method == "GET":
        return _confirm_page(request, group, "hand_over", membership)
    try:
        services.representative_hand_over(actor=request.user, group=group, to=membership)
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s is now the representative.") % {"name": membership.user},
        )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, slug, pk):
    group = group_for_representative(slug, request.user)
    membership = _membership_in(group, pk)
    if request.method == "GET":
        return _confirm_page(request, group, "remove", membership)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(name)s was removed from the group.") % {"name": membership.user}
        )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, slug):
    group = group_for_member(slug, request.user)
    membership = membership_of(request.user, group)
    if membership is None:
        raise PermissionDenied(_("You are not a member of this group."))
    if request.method == "GET":
        return _confirm_page(request, group, "leave", membership)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except GroupError as exc:
        messages.error(request, str(exc))
        return redirect("groups:members", slug=group.slug)
    messages.success(request, _("You left %(group)s.") % {"group": group.name})
    return redirect("my_account")


@login_required
@require_http_methods(["GET", "POST"])
def step_down(request, slug):
    """A representative gives up the role and stays an ordinary member: GET asks first (only a
    representative can give the role back), POST acts."""
    group = group_for_member(slug, request.user)
    membership = membership_of(request.user, group)
    if membership is None or not membership.is_representative:
        raise PermissionDenied(_("Only the group's representative can do this."))
    if request.method == "GET":
        return _confirm_page(request, group, "step_down", membership)
    try:
        services.membership_set_role(
            actor=request.user, membership=membership, role=Membership.Role.MEMBER
        )
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You are no longer a representative of %(group)s; you stay a member.")
            % {"group": group.name},
        )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    group = group_for_representative(slug, request.user)
    invitation = get_object_or_404(group.invitations, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("groups:members", slug=group.slug)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link in an invitation e-mail: shows the group, and (signed in) accepts it."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(
            request,
            "errors/error.html",
            {
                "title": _("Invitation not valid"),
                "message": _(
                    "This invitation link is not valid or has expired. Ask the group's "
                    "representative to send a new one."
                ),
            },
            status=404,
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(user=request.user, invitation=invitation)
        except GroupError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        messages.success(
            request, _("Welcome! You are now a member of %(group)s.") % {"group": invitation.group}
        )
        return redirect(invitation.group.get_absolute_url())
    already_member = request.user.is_authenticated and is_member(request.user, invitation.group)
    return render(
        request,
        "groups/invitation.html",
        {"invitation": invitation, "already_member": already_member},
    )


# --------------------------------------------------------------------------- activity records


@require_GET
def group_activities(request, slug):
    group = group_for_viewer(slug, request.user)
    page_obj = paginate(request, selectors.activity_records_for_group(group), ACTIVITY_PAGE_SIZE)
    return render(
        request,
        "groups/group_activities.html",
        {
            "group": group,
            "page_obj": page_obj,
            "records": page_obj.object_list,
            "can_post": can_act_for(request.user, group),
        },
    )


def _record_in(group: Group, pk: int) -> ActivityRecord:
    return get_object_or_404(
        ActivityRecord.objects.select_related("group", "created_by").prefetch_related("photos"),
        pk=pk,
        group=group,
    )


@require_GET
def activity_detail(request, slug, pk):
    group = group_for_viewer(slug, request.user)
    record = _record_in(group, pk)
    return render(
        request,
        "groups/activity_detail.html",
        {"group": group, "record": record, "can_post": can_act_for(request.user, group)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, slug):
    group = group_for_acting_member(slug, request.user)
    form = ActivityRecordForm(
        request.POST or None, request.FILES or None, photos_left=_photos_left(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.activity_record_create(
                actor=request.user,
                group=group,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                photos=form.cleaned_data["photos"],
                submission_token=form.cleaned_data.get("submission_token"),
            )
        except AlreadySubmitted as exc:
            messages.info(request, str(exc))
            target = exc.target
            return redirect(target.get_absolute_url() if target else group.get_absolute_url())
        except GroupError as exc:
            _add_service_error(form, exc, "photos")
        else:
            kept_uploads_release(form)
            messages.success(request, _("The activity record was posted."))
            return redirect(record.get_absolute_url())
    return render(request, "groups/activity_form.html", {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, slug, pk):
    group = group_for_acting_member(slug, request.user)
    record = _record_in(group, pk)
    form = ActivityRecordForm(
        request.POST or None,
        request.FILES or None,
        record=record,
        photos_left=_photos_left(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record_update(
                actor=request.user,
                record=record,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                new_photos=form.cleaned_data["photos"],
                remove_photo_ids=form.cleaned_data.get("remove_photos") or [],
            )
        except GroupError as exc:
            _add_service_error(form, exc, "photos")
        else:
            kept_uploads_release(form)
            messages.success(request, _("The activity record was updated."))
            return redirect(record.get_absolute_url())
    return render(
        request, "groups/activity_form.html", {"group": group, "form": form, "record": record}
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, slug, pk):
    group = group_for_acting_member(slug, request.user)
    record = _record_in(group, pk)
    if request.method == "POST":
        services.activity_record_delete(actor=request.user, record=record)
        messages.success(request, _("The activity record was deleted."))
        return redirect("groups:activities", slug=group.slug)
    return render(request, "groups/activity_delete.html", {"group": group, "record": record})
