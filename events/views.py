"""Pages of the events app. Views are thin: permission, form, service, message, redirect."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_office_staff
from core.clientip import client_ip
from core.csv import csv_response
from core.pagecache import public_page
from core.pagination import paginate
from core.ratelimit import limit_hit, rate_limited
from events import charts, ics, selectors, services, tokens
from events.forms import (
    AttendanceForm,
    GuestRegistrationForm,
    ProposalForm,
    RegistrationForm,
    SurveyForm,
    WalkInForm,
)
from events.models import Event, Registration, Survey
from events.permissions import (
    can_answer_survey,
    can_manage_event,
    can_propose,
    can_register,
    can_see_respondents,
    can_view_event,
    can_view_survey_results,
    event_for_manager,
    is_event_organiser,
    proposable_groups,
    require_survey_reader,
)
from events.views_organiser import (
    attach_answers,
    manager_context,
    shown_answers,
    visible_checklist,
)

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
PER_PAGE = 20


# --- Helpers


def _event_or_404(request, slug: str) -> Event:
    event = selectors.event_by_slug(slug)
    if event is None or not can_view_event(request.user, event):
        raise Http404
    return event


def _parse_month(value: str) -> tuple[int, int] | None:
    match = MONTH_RE.match(value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


# --- Public pages


@require_GET
@public_page("events:list")
def index(request):
    """Upcoming events first (paged); past events by month with ?month=YYYY-MM."""
    kind = request.GET.get("kind", "")
    organiser = request.GET.get("organiser", "")
    month_value = request.GET.get("month", "")
    problems = []
    if kind and kind not in Event.Kind.values:
        problems.append(
            _("There is no event type “%(value)s”; showing all types.") % {"value": kind}
        )
        kind = ""
    organisers = selectors.organiser_choices()
    if organiser and organiser != "office" and organiser not in {g.slug for g in organisers}:
        problems.append(_("There is no such organiser; showing all organisers."))
        organiser = ""
    month = None
    if month_value:
        month = _parse_month(month_value)
        if month is None:
            problems.append(
                _("Give the month as YYYY-MM (for example 2025-04); showing upcoming events.")
            )
    context = {
        "kind": kind,
        "organiser": organiser,
        "kinds": Event.Kind.choices,
        "organisers": organisers,
        "months": selectors.past_months(),
        "problems": problems,
    }
    if month:
        context["month"] = dt.date(month[0], month[1], 1)
        context["month_value"] = month_value
        context["events"] = selectors.events_in_month(
            month[0], month[1], kind=kind, organiser=organiser
        )
    else:
        page_obj = paginate(request, selectors.event_list(kind=kind, organiser=organiser), PER_PAGE)
        context["page_obj"] = page_obj
        context["events"] = page_obj.object_list
    context["can_propose"] = can_propose(request.user)
    return render(request, "events/list.html", context, status=400 if problems else 200)


@require_GET
def feed(request):
    """All public events from a year ago on, as an iCalendar feed."""
    events = selectors.events_for_feed(since=timezone.now() - dt.timedelta(days=365))
    response = HttpResponse(
        ics.events_ics(events, _("Kyodo Office events")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="kyodo-office-events.ics"'
    return response


@require_GET
def event_ics(request, slug):
    event = _event_or_404(request, slug)
    response = HttpResponse(ics.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def _detail_context(request, event: Event, **forms) -> dict:
    user = request.user
    now = timezone.now()
    registration = selectors.registration_for(user, event)
    try:
        services.check_registration_open(event, now)
        closed_reason = ""
    except services.RegistrationError as exc:
        closed_reason = str(exc)
    context = {
        "event": event,
        "registration": registration,
        "closed_reason": closed_reason,
        "places_left": event.places_left(now),
        "waitlist_size": selectors.waitlist_size(event),
        "can_manage": can_manage_event(user, event),
        "is_organiser": is_event_organiser(user, event),
        "is_staff": is_office_staff(user),
        "survey": selectors.open_survey_for_event(event) if event.has_ended(now) else None,
        "lottery_pending": event.lottery_pending(),
    }
    submitted = forms.get("form") or forms.get("guest_form")
    if submitted is not None and submitted.errors:
        # Shown above the registration box even when the form itself is not (e.g. already
        # registered, or registration closed meanwhile).
        context["submitted_errors"] = submitted.non_field_errors()
    if not closed_reason and registration is None:
        if can_register(user):
            context["form"] = forms.get("form") or RegistrationForm(event=event, user=user)
        elif event.allow_guests:
            context["guest_form"] = forms.get("guest_form") or GuestRegistrationForm(event=event)
    return context


@require_GET
@public_page("events:detail")
def detail(request, slug):
    event = selectors.event_for_page(slug)
    if event is None or not can_view_event(request.user, event):
        raise Http404
    return render(request, "events/detail.html", _detail_context(request, event))


STATUS_MESSAGES = {
    Registration.Status.CONFIRMED: _(
        "You are registered. A confirmation e-mail with a calendar file is on its way."
    ),
    Registration.Status.WAITLISTED: _(
        "The event is full, so you are on the waiting list. We will e-mail you if a place "
        "comes free."
    ),
    Registration.Status.LOTTERY_APPLIED: _(
        "Your application for the lottery is received. The results come by e-mail after the draw."
    ),
}


@require_POST
def register(request, slug):
    event = _event_or_404(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_absolute_url())
    form = RegistrationForm(request.POST, event=event, user=request.user)
    if form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user,
                event=event,
                people=form.cleaned_data["people"],
                group=form.cleaned_data["group"],
                answers=form.question_answers(),
                share_needs=form.share_needs(),
            )
        except services.RegistrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, STATUS_MESSAGES[registration.status])
            return redirect(event)
    event = selectors.event_by_slug(slug)  # fresh place count
    return render(request, "events/detail.html", _detail_context(request, event, form=form))


@require_POST
def register_guest(request, slug):
    event = _event_or_404(request, slug)
    if request.user.is_authenticated:
        return redirect(event)
    if limit_hit(request, scope="events:guest", rate="5/h"):
        return rate_limited(request)
    form = GuestRegistrationForm(request.POST, event=event)
    if form.is_valid():
        try:
            services.registration_create_guest(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                people=form.cleaned_data["people"],
                answers=form.question_answers(),
                share_needs=form.share_needs(),
                client_key=services.guest_client_key(client_ip(request)),
            )
        except services.RegistrationError as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request,
                "events/guest_check_mail.html",
                {
                    "event": event,
                    "email": form.cleaned_data["email"],
                    "confirm_minutes": services.guest_confirm_minutes(),
                },
            )
    event = selectors.event_by_slug(slug)
    return render(request, "events/detail.html", _detail_context(request, event, guest_form=form))


def _cancel_confirm_page(request, registration: Registration, *, rank, back_url: str):
    """The step before cancelling a registration (an account's or a guest's): what cancelling
    means for this registration, a way back to ``back_url``, and a form that posts to the same
    address (works without JavaScript)."""
    event = registration.event
    return render(
        request,
        "events/cancel_confirm.html",
        {
            "event": event,
            "registration": registration,
            "rank": rank,
            "back_url": back_url,
            "started": event.has_started(),
            "waitlist_size": selectors.waitlist_size(event),
        },
    )


@require_http_methods(["GET", "POST"])
def cancel(request, slug):
    """GET asks first (what cancelling means, a way back); POST cancels."""
    event = _event_or_404(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = selectors.registration_for(request.user, event)
    if registration is None:
        messages.error(request, _("You have no registration for this event to cancel."))
        return redirect(event)
    if request.method == "GET":
        return _cancel_confirm_page(
            request, registration, rank=registration.rank, back_url=event.get_absolute_url()
        )
    was = registration.status
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _cancelled_message(was))
    return redirect(event)


def _cancelled_message(status: str) -> str:
    """What was undone, in the words of the button that undid it (leaving a waiting list is
    not cancelling a place)."""
    if status == Registration.Status.WAITLISTED:
        return _("You left the waiting list.")
    if status == Registration.Status.LOTTERY_APPLIED:
        return _("Your application for the lottery was withdrawn.")
    return _("Your registration was cancelled.")


def _guest_registration(token: str, salt: str) -> Registration:
    pk = tokens.read(token, salt)
    if not isinstance(pk, int):
        raise Http404
    registration = selectors.guest_registration(pk)
    if registration is None:
        raise Http404
    return registration


@require_http_methods(["GET", "POST"])
def guest_confirm(request, token):
    """The link in the guest's e-mail: a page with a button (mail scanners only GET)."""
    registration = _guest_registration(token, tokens.GUEST_CONFIRM_SALT)
    if request.method == "POST":
        try:
            registration = services.registration_confirm_guest(registration=registration)
        except services.RegistrationError as exc:
            messages.error(request, str(exc))
            return redirect(registration.event)
        messages.success(request, STATUS_MESSAGES.get(registration.status, _("Confirmed.")))
        return redirect("events:guest_manage", token=tokens.guest_manage_token(registration))
    if registration.is_live and registration.status != Registration.Status.PENDING_GUEST:
        # The mail's first link opened again: the registration's own page (status, cancel)
        # instead of a page with nothing to do.
        messages.info(request, _("This registration is already confirmed."))
        return redirect("events:guest_manage", token=tokens.guest_manage_token(registration))
    return render(
        request,
        "events/guest_confirm.html",
        {"registration": registration, "event": registration.event, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def guest_manage(request, token):
    """A guest's own registration (the link in the guest's mails): status, and a link to
    cancel, which asks first on its own page."""
    registration = _guest_registration(token, tokens.GUEST_MANAGE_SALT)
    if request.method == "POST":
        # This page's cancel form of before (a page left open): ask first, cancel nothing.
        return redirect("events:guest_cancel", token=token)
    return render(
        request,
        "events/guest_manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "rank": selectors.waitlist_rank(registration),
            "token": token,
        },
    )


@require_http_methods(["GET", "POST"])
def guest_cancel(request, token):
    """GET asks the guest first (what cancelling means, a way back to their registration);
    POST cancels."""
    registration = _guest_registration(token, tokens.GUEST_MANAGE_SALT)
    manage_url = reverse("events:guest_manage", args=[token])
    if not registration.is_live:
        messages.error(request, _("You have no registration for this event to cancel."))
        return redirect(manage_url)
    if request.method == "GET":
        return _cancel_confirm_page(
            request, registration, rank=selectors.waitlist_rank(registration), back_url=manage_url
        )
    was = registration.status
    try:
        services.registration_cancel(actor=None, registration=registration)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _cancelled_message(was))
    return redirect(manage_url)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    if not can_propose(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            group = data.pop("group")
            image = data.pop("image")
            try:
                event = services.event_propose(actor=request.user, group=group, image=image, **data)
            except services.EventError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Thank you. The office will check the proposal and publish it."),
                )
                return redirect(event)
    else:
        form = ProposalForm(user=request.user)
    return render(
        request,
        "events/propose.html",
        {"form": form, "groups": proposable_groups(request.user)},
    )


# --- Running an event: the office staff and the organising group (events.views_organiser)


@require_GET
def door_list(request, slug):
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    rows = selectors.door_list(event)
    questions = list(event.questions.all())
    attach_answers(request.user, event, rows, questions)
    context = manager_context(request, event)
    context.update(
        {
            "rows": rows,
            "checklist": visible_checklist(request.user, event, rows),
            "questions": questions,
            "summary": selectors.attendance_summary(event),
        }
    )
    return render(request, "events/door_list.html", context)


@require_GET
def door_list_csv(request, slug):
    """The door list as CSV; the organisers' copy has no e-mail addresses and only the
    accessibility needs their registrants agreed to share."""
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    rows = selectors.door_list(event)
    questions = list(event.questions.all())
    with_email = is_office_staff(request.user)
    table = [
        [
            _("No."),
            _("Name"),
            *([_("E-mail address")] if with_email else []),
            _("Group"),
            _("People"),
            _("Walk-in"),
            _("Attended"),
            _("People who came"),
            *[q.text for q in questions],
        ]
    ]
    for number, registration in enumerate(rows, start=1):
        answers = shown_answers(request.user, event, registration).answers
        table.append(
            [
                number,
                registration.display_name,
                *([registration.email] if with_email else []),
                registration.group,
                registration.people,
                _("yes") if registration.is_walk_in else "",
                _("yes") if registration.attended else "",
                registration.attended_people,
                *[_answer_text(answers.get(q.pk, "")) for q in questions],
            ]
        )
    return csv_response(f"{event.slug}-participants.csv", table)


def _answer_text(value: str) -> str:
    if value == "yes":
        return _("yes")
    if value == "no":
        return ""
    return value


@require_http_methods(["GET", "POST"])
def attendance(request, slug):
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    rows = selectors.door_list(event)
    form = AttendanceForm(request.POST if request.method == "POST" else None, registrations=rows)
    walk_in_form = WalkInForm()
    if request.method == "POST" and "mark_all" in request.POST:
        form.is_valid()  # the page is shown again as the user left it if marking fails
        try:
            changed = services.attendance_mark_all(actor=request.user, event=event)
        except services.EventError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(n)d marked as attended.") % {"n": changed})
            return redirect("events:attendance", slug=event.slug)
    elif request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(
                actor=request.user, event=event, marks=form.marks()
            )
        except services.EventError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Attendance saved (%(n)d changed).") % {"n": changed})
            return redirect("events:attendance", slug=event.slug)
    return _attendance_page(request, event, rows, form, walk_in_form)


def _attendance_page(request, event, rows, form, walk_in_form, status=200):
    # Before the event's day nothing can be recorded: the page lists the registrants read-only
    # and says when recording opens, instead of offering controls that only produce an error.
    opens = services.attendance_opens(event)
    context = manager_context(request, event)
    context.update(
        {
            "form": form,
            "walk_in_form": walk_in_form,
            "walk_ins": [r for r in rows if r.is_walk_in],
            "registered_rows": [r for r in rows if not r.is_walk_in],
            "checklist": visible_checklist(request.user, event, rows),
            "summary": selectors.attendance_summary(event),
            "pending_guests": selectors.pending_guests(event),
            "recording_open": timezone.now() >= opens,
            "recording_opens": timezone.localtime(opens),
        }
    )
    return render(request, "events/attendance.html", context, status=status)


@require_POST
def walk_in(request, slug):
    event = event_for_manager(request, slug)
    if not isinstance(event, Event):
        return event
    walk_in_form = WalkInForm(request.POST)
    if walk_in_form.is_valid():
        try:
            services.walk_in_add(actor=request.user, event=event, **walk_in_form.cleaned_data)
        except services.EventError as exc:
            walk_in_form.add_error(None, str(exc))
        else:
            messages.success(request, _("The walk-in was recorded."))
            return redirect("events:attendance", slug=event.slug)
    rows = selectors.door_list(event)
    return _attendance_page(request, event, rows, AttendanceForm(registrations=rows), walk_in_form)


# --- Surveys


def _survey_or_404(request, slug: str) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("event"), slug=slug)
    if survey.status == Survey.Status.DRAFT and not can_view_survey_results(request.user):
        raise Http404
    return survey


def _survey_registration(request, survey: Survey) -> Registration | None:
    token = request.GET.get("t") or request.POST.get("t")
    if not token:
        return None
    value = tokens.read(token, tokens.SURVEY_SALT)
    if not (isinstance(value, list) and len(value) == 2 and value[0] == survey.pk):
        raise Http404
    registration = selectors.survey_registration(survey, value[1])
    if registration is None:
        raise Http404
    return registration


@require_http_methods(["GET", "POST"])
def survey(request, slug):
    survey = _survey_or_404(request, slug)
    registration = None if request.user.is_authenticated else _survey_registration(request, survey)
    context = {"survey": survey, "token": request.GET.get("t", "")}
    if not survey.is_open():
        return render(request, "events/survey_closed.html", context)
    if not request.user.is_authenticated and registration is None:
        return redirect_to_login(request.get_full_path())
    user = request.user if request.user.is_authenticated else None
    if not can_answer_survey(user, survey, registration=registration):
        if can_view_survey_results(request.user):
            context["preview"] = True
            context["form"] = SurveyForm(survey=survey)
            return render(request, "events/survey.html", context)
        return render(request, "events/survey_not_for_you.html", context, status=403)
    if selectors.has_answered(survey, user=user, registration=registration):
        return render(request, "events/survey_done.html", context)
    form = SurveyForm(request.POST if request.method == "POST" else None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(
                survey=survey, answers=form.answers(), user=user, registration=registration
            )
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you for answering the survey."))
            return render(request, "events/survey_done.html", context)
    context["form"] = form
    return render(request, "events/survey.html", context)


@require_GET
def survey_results(request, slug):
    denied = require_survey_reader(request)
    if denied:
        return denied
    survey = get_object_or_404(Survey.objects.select_related("event"), slug=slug)
    total, results = selectors.survey_results(survey)
    return render(
        request,
        "events/survey_results.html",
        {"survey": survey, "total": total, "results": results},
    )


@require_GET
def survey_results_csv(request, slug):
    denied = require_survey_reader(request)
    if denied:
        return denied
    survey = get_object_or_404(Survey, slug=slug)
    questions = list(survey.questions.all())
    # Respondents are told only the office's staff see whose answer it is: officials and
    # committee members get the answers without the group's name.
    with_group = can_see_respondents(request.user)
    table = [
        [
            _("Response"),
            _("Submitted"),
            *([_("Group")] if with_group else []),
            *[q.text for q in questions],
        ]
    ]
    for response_row in selectors.survey_responses_for_export(survey):
        answers = {a.question_id: a for a in response_row.answers.all()}
        cells = []
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                cells.append("")
            elif answer.rating:
                cells.append(answer.rating)
            elif answer.choices:
                cells.append(" / ".join(answer.choices))
            else:
                cells.append(answer.text)
        submitted = timezone.localtime(response_row.submitted_at).strftime("%Y-%m-%d %H:%M")
        group = [response_row.group] if with_group else []
        table.append([response_row.pk, submitted, *group, *cells])
    return csv_response(f"{survey.slug}-answers.csv", table)


@require_GET
def survey_chart(request, slug, question_id):
    denied = require_survey_reader(request)
    if denied:
        return denied
    survey = get_object_or_404(Survey, slug=slug)
    _total, results = selectors.survey_results(survey)
    result = next((r for r in results if r.question.pk == question_id), None)
    if result is None or not result.rows:
        raise Http404
    return charts.svg_response(charts.question_chart(result))
