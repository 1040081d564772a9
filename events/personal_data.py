"""The personal data the events app holds (see core/personal_data.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import BLANK, Holding, Label, exempt, of_account, register
from events.models import Answer, Registration, RegistrationAnswer, Response


def _guest_rows(person):
    return Registration.objects.filter(user__isnull=True).filter(person.email_q("guest_email"))


def _registrations(person):
    q = person.email_q("guest_email")
    if person.user is not None:
        q |= Q(user_id=person.user_id)
    return Registration.objects.filter(q)


def _answers_of(model, prefix):
    def rows(person):
        q = person.email_q(f"{prefix}guest_email")
        if person.user is not None:
            q |= Q(**{f"{prefix}user_id": person.user_id})
        return model.objects.filter(q)

    return rows


def _survey_answers(person):
    q = person.email_q("response__registration__guest_email")
    if person.user is not None:
        q |= Q(response__user_id=person.user_id)
    return Answer.objects.filter(q)


def _responses(person):
    q = person.email_q("registration__guest_email")
    if person.user is not None:
        q |= Q(user_id=person.user_id)
    return Response.objects.filter(q)


register(
    Holding(
        key="events.guest",
        model="events.Registration",
        fields=("guest_name", "guest_email"),
        what=_(
            "Names and e-mail addresses of people who registered for an event without an account"
        ),
        why=_("To confirm the place, tell the guest about changes and count who came"),
        who_sees=_("The office staff; the organising group sees the names"),
        retention="event_guests",
        of_person=_guest_rows,
        # The registration stays (it counts in the year's participants), with a neutral name.
        replace={"guest_name": Label(_("Guest")), "guest_email": BLANK, "client_key": BLANK},
        expired=lambda cutoff: Registration.objects.filter(
            user__isnull=True, event__end__lt=cutoff
        ),
    ),
    Holding(
        key="events.registration",
        model="events.Registration",
        fields=("user", "note"),
        what=_("Your registrations for events, whether you came, and the office's note"),
        why=_("To keep your place and count the participants of each event"),
        who_sees=_("The office staff and the organising group"),
        of_person=_registrations,
        replace={"note": BLANK},
    ),
    Holding(
        key="events.accessibility_needs",
        model="events.RegistrationAnswer",
        fields=("value",),
        what=_("Answers about accessibility needs (配慮事項) given when registering"),
        why=_("To prepare the event for you"),
        who_sees=_("The office staff; the organising group only when you agreed"),
        retention="accessibility_needs",
        of_person=lambda p: _answers_of(RegistrationAnswer, "registration__")(p).filter(
            question__is_accessibility=True
        ),
        replace={"value": BLANK},
        expired=lambda cutoff: RegistrationAnswer.objects.filter(
            question__is_accessibility=True, registration__event__end__lt=cutoff
        ),
    ),
    Holding(
        key="events.registration_answer",
        model="events.RegistrationAnswer",
        fields=("value",),
        what=_("Other answers given when registering (e.g. joining the social gathering)"),
        why=_("To prepare the event"),
        who_sees=_("The office staff and the organising group"),
        of_person=lambda p: _answers_of(RegistrationAnswer, "registration__")(p).filter(
            question__is_accessibility=False
        ),
        replace={"value": BLANK},
    ),
    Holding(
        key="events.proposer",
        model="events.Event",
        fields=("proposed_by",),
        what=_("Events you proposed for a group"),
        why=_("The office's record of who proposed the event"),
        who_sees=_("The office staff"),
        of_person=of_account("events.Event", "proposed_by"),
    ),
    Holding(
        key="events.survey_response",
        model="events.Response",
        fields=("user",),
        what=_("Your survey responses"),
        why=_("The survey's results (counted in the yearly report)"),
        who_sees=_("The office staff (results are shown without names)"),
        of_person=_responses,
    ),
    Holding(
        key="events.survey_answer",
        model="events.Answer",
        fields=("text",),
        what=_("Your answers to surveys, free text included"),
        why=_("The survey's results (counted in the yearly report)"),
        who_sees=_("The office staff (results are shown without names)"),
        of_person=_survey_answers,
    ),
)

exempt("events.Event", "fee_note", "staff_note", "image", why="the event's own content")
