"""Every events URL for every role: anonymous → login (or public), wrong role → 403/404."""

import pytest
from django.urls import reverse

from events import tokens
from events.models import Event, Question, Survey
from tests.conftest import ROLES
from tests.events.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
    at,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]

LOGIN = "login"
OK = 200
REDIRECT = 302

# (name, method, expected per role in ROLES order:
#  anonymous, citizen, other_member, member, representative, staff, official)
MATRIX = [
    ("list", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("feed", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("detail", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("ics", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("proposal_detail", "get", [404, 404, 404, OK, OK, OK, 404]),
    ("proposal_ics", "get", [404, 404, 404, OK, OK, OK, 404]),
    ("register", "post", [LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT]),
    ("register_guest", "post", [OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT]),
    ("cancel", "post", [LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT]),
    ("propose", "get", [LOGIN, 403, OK, OK, OK, 403, 403]),
    ("door_list", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    ("door_list_csv", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    ("attendance", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    ("attendance_post", "post", [LOGIN, 403, 403, 403, 403, REDIRECT, 403]),
    ("walk_in", "post", [LOGIN, 403, 403, 403, 403, REDIRECT, 403]),
    ("manage", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    ("registrants", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    ("message", "get", [LOGIN, 403, 403, 403, 403, OK, 403]),
    # The same pages of an event the member's group organises (issue 15 part 2).
    ("ours_manage", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_registrants", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_door_list", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_door_list_csv", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_attendance", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_attendance_post", "post", [LOGIN, 403, 403, REDIRECT, REDIRECT, REDIRECT, 403]),
    ("ours_walk_in", "post", [LOGIN, 403, 403, REDIRECT, REDIRECT, REDIRECT, 403]),
    ("ours_message", "get", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("ours_message_preview", "post", [LOGIN, 403, 403, OK, OK, OK, 403]),
    ("guest_confirm", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("guest_manage", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("guest_cancel", "get", [OK, OK, OK, OK, OK, OK, OK]),
    ("survey", "get", [LOGIN, 403, 403, OK, 403, OK, 403]),
    # Officials read survey results (issue 17 part 5).
    ("survey_results", "get", [LOGIN, 403, 403, 403, 403, OK, OK]),
    ("survey_results_csv", "get", [LOGIN, 403, 403, 403, 403, OK, OK]),
    ("survey_chart", "get", [LOGIN, 403, 403, 403, 403, OK, OK]),
]


@pytest.fixture
def world(group, member):
    event = EventFactory(slug="open", allow_guests=True, capacity=50, start=at(0, 14))
    proposal = EventFactory(slug="idea", status=Event.Status.PROPOSED, organiser=group)
    ours = EventFactory(slug="ours", capacity=50, start=at(0, 14), organiser=group)
    past = EventFactory(slug="past", start=at(-3), end=at(-3, 16))
    RegistrationFactory(
        event=past, user=member, guest_name="", guest_email="", attended=True, attended_people=1
    )
    guest = RegistrationFactory(
        event=event, status="pending_guest_confirmation", status_on_confirm="confirmed"
    )
    survey = SurveyFactory(slug="after", event=past, audience=Survey.Audience.ATTENDEES)
    question = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    return {
        "list": ("events:list", []),
        "feed": ("events:feed", []),
        "detail": ("events:detail", [event.slug]),
        "ics": ("events:ics", [event.slug]),
        "proposal_detail": ("events:detail", [proposal.slug]),
        "proposal_ics": ("events:ics", [proposal.slug]),
        "register": ("events:register", [event.slug], {"people": 1}),
        "register_guest": ("events:register_guest", [event.slug], {"name": "", "email": ""}),
        "cancel": ("events:cancel", [event.slug]),
        "propose": ("events:propose", []),
        "door_list": ("events:door_list", [event.slug]),
        "door_list_csv": ("events:door_list_csv", [event.slug]),
        "attendance": ("events:attendance", [event.slug]),
        "attendance_post": ("events:attendance", [event.slug], {}),
        "walk_in": ("events:walk_in", [event.slug], {"people": 1}),
        "manage": ("events:manage", [event.slug]),
        "registrants": ("events:registrants", [event.slug]),
        "message": ("newsletter:event_message", [event.slug]),
        "ours_manage": ("events:manage", [ours.slug]),
        "ours_registrants": ("events:registrants", [ours.slug]),
        "ours_door_list": ("events:door_list", [ours.slug]),
        "ours_door_list_csv": ("events:door_list_csv", [ours.slug]),
        "ours_attendance": ("events:attendance", [ours.slug]),
        "ours_attendance_post": ("events:attendance", [ours.slug], {}),
        "ours_walk_in": ("events:walk_in", [ours.slug], {"people": 1}),
        "ours_message": ("newsletter:event_message", [ours.slug]),
        "ours_message_preview": (
            "newsletter:event_message",
            [ours.slug],
            {"statuses": ["confirmed"], "subject": "s", "body": "b", "preview": "1"},
        ),
        "guest_confirm": ("events:guest_confirm", [tokens.guest_confirm_token(guest)]),
        "guest_manage": ("events:guest_manage", [tokens.guest_manage_token(guest)]),
        "guest_cancel": ("events:guest_cancel", [tokens.guest_manage_token(guest)]),
        "survey": ("events:survey", [survey.slug]),
        "survey_results": ("events:survey_results", [survey.slug]),
        "survey_results_csv": ("events:survey_results_csv", [survey.slug]),
        "survey_chart": ("events:survey_chart", [survey.slug, question.pk]),
    }


CASES = [
    (name, method, role, expected)
    for name, method, row in MATRIX
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(
    "name, method, role, expected", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client_for, world, name, method, role, expected):
    url_name, args, *payload = world[name]
    if name == "survey_chart":
        # a chart needs answers to draw
        from events.models import Answer, Response

        survey = Survey.objects.get(slug="after")
        response_row = Response.objects.create(survey=survey)
        Answer.objects.create(response=response_row, question=survey.questions.get(), rating=4)
    client = client_for(role)
    url = reverse(url_name, args=args)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, payload[0] if payload else {})
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def test_every_events_url_is_in_the_matrix():
    from events.urls import urlpatterns

    covered = {
        "list",
        "feed",
        "detail",
        "ics",
        "register",
        "register_guest",
        "cancel",
        "propose",
        "door_list",
        "door_list_csv",
        "attendance",
        "walk_in",
        "manage",
        "registrants",
        "guest_confirm",
        "guest_manage",
        "guest_cancel",
        "survey",
        "survey_results",
        "survey_results_csv",
        "survey_chart",
    }
    assert {p.name for p in urlpatterns} == covered
    assert len(ROLES) == 7
