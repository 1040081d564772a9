"""Who may do what with events and surveys: every view asks here, never decides on its own."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.roles import can_view_survey_results as reads_results
from accounts.roles import is_office_staff
from events.models import Event, Registration, Survey
from groups.models import Group, Membership
from groups.permissions import is_member


def can_view_event(user, event: Event) -> bool:
    if event.is_public:
        return True
    if is_office_staff(user):
        return True
    # A proposal (or a returned one) is visible to the members of the organising group.
    return bool(event.organiser_id and is_member(user, event.organiser))


def event_for_viewer(event: Event, user) -> Event:
    """The event when ``user`` may see it; 404 otherwise (drafts are not revealed)."""
    if not can_view_event(user, event):
        raise Http404
    return event


def is_event_organiser(user, event: Event) -> bool:
    """A member of the registered group that organises the event (not the office)."""
    return bool(
        event.organiser_id
        and user
        and user.is_authenticated
        and event.organiser.is_registered
        and is_member(user, event.organiser)
    )


def can_manage_event(user, event: Event | None = None) -> bool:
    """The one rule for running an event: its registrants and waiting list, the door list
    (print and CSV), attendance and walk-ins, messages to its registrants. The office staff
    for every event; the members of the organising group for their own event only (the
    office still approves publication: that stays in the admin)."""
    if is_office_staff(user):
        return True
    return event is not None and is_event_organiser(user, event)


def can_see_needs(user, event: Event, registration: Registration) -> bool:
    """Answers to the accessibility-needs questions (配慮事項): the office staff always; the
    organising group only where the registrant agreed to share them when registering."""
    if is_office_staff(user):
        return True
    return bool(
        registration.share_needs_with_organiser
        and registration.event_id == event.pk
        and can_manage_event(user, event)
    )


def event_for_manager(request, slug: str):
    """The event ``slug`` when the user may run it (``can_manage_event``); a login redirect
    for anonymous visitors (returned, not raised); 404 for an unknown event; 403 otherwise.
    Every organiser page fetches its event here, so no view can forget the check."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = Event.objects.select_related("organiser", "booking__room").filter(slug=slug).first()
    if event is None:
        raise Http404
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def managed_events(user):
    """The events the user runs as a member of the organising group (staff run every event
    from the admin; this is what a member's My Page lists)."""
    if not (user and user.is_authenticated):
        return Event.objects.none()
    groups = Group.objects.registered().with_member(user)
    return Event.objects.filter(organiser__in=groups).select_related("organiser")


def require_staff(request):
    """None when the user is staff; a login redirect for anonymous visitors; 403 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_office_staff(request.user):
        raise PermissionDenied
    return None


def require_survey_reader(request):
    """Survey results are read by staff, city officials and committee members (accounts.roles):
    None for them; a login redirect for anonymous visitors; 403 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not reads_results(request.user):
        raise PermissionDenied
    return None


def proposable_groups(user):
    """Registered groups the user may propose events for."""
    if not (user and user.is_authenticated):
        return Group.objects.none()
    return Group.objects.registered().with_member(user).in_kana_order()


def can_propose(user) -> bool:
    return proposable_groups(user).exists()


def can_propose_for(user, group: Group) -> bool:
    return bool(group.is_registered and is_member(user, group))


def can_register(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_register_for_group(user, group: Group) -> bool:
    return bool(group.is_registered and is_member(user, group))


def can_cancel_registration(user, registration: Registration) -> bool:
    if is_office_staff(user):
        return True
    return bool(user and user.is_authenticated and registration.user_id == user.pk)


def can_answer_survey(user, survey: Survey, registration: Registration | None = None) -> bool:
    """Whether this person is in the survey's audience (not whether it is open)."""
    authenticated = bool(user and user.is_authenticated)
    audience = Survey.Audience
    if survey.audience == audience.ATTENDEES:
        if survey.event_id is None:
            return False
        if authenticated:
            return Registration.objects.filter(
                event_id=survey.event_id, user=user, attended=True
            ).exists()
        return bool(
            registration is not None
            and registration.event_id == survey.event_id
            and registration.attended
            and registration.user_id is None
        )
    if not authenticated:
        return False
    if survey.audience == audience.REPRESENTATIVES:
        return Membership.objects.filter(
            user=user,
            role=Membership.Role.REPRESENTATIVE,
            group__status=Group.Status.REGISTERED,
        ).exists()
    if survey.audience == audience.MEMBERS:
        return Membership.objects.filter(user=user, group__status=Group.Status.REGISTERED).exists()
    return survey.audience == audience.ACCOUNTS


def respondent_group(user, survey: Survey, registration: Registration | None = None):
    """The group a response speaks for: the one represented (or belonged to), or the group
    the attendee came for."""
    if survey.audience == Survey.Audience.ATTENDEES:
        if registration is None and user is not None:
            registration = (
                Registration.objects.filter(event_id=survey.event_id, user=user, attended=True)
                .order_by("pk")
                .first()
            )
        return registration.group if registration is not None else None
    if user is None:
        return None
    memberships = Membership.objects.filter(
        user=user, group__status=Group.Status.REGISTERED
    ).select_related("group")
    if survey.audience == Survey.Audience.REPRESENTATIVES:
        memberships = memberships.filter(role=Membership.Role.REPRESENTATIVE)
    first = memberships.order_by("group__name_kana", "group_id").first()
    return first.group if first else None


def can_view_survey_results(user) -> bool:
    return is_office_staff(user)


def can_see_respondents(user) -> bool:
    """Whose answer a survey response is (the group's name): the office's staff only, as the
    survey form tells respondents; the other readers of the results see answers without it."""
    return is_office_staff(user)
