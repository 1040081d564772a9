"""The permission matrix's rows and the admin walks' makers for the go-between's record
(issue 18 part 4) and the programme's requests to appear (part 5); tests/security/matrix.py and
tests/security/admin_objects.py add them. The go-between's pages are the office staff's only."""

from __future__ import annotations

import datetime as dt

STAFF = {"staff"}


def _consultation(group=None):
    from groups.models import Consultation

    return Consultation.objects.create(
        held_on=dt.date.today() - dt.timedelta(days=1),
        group=group,
        person_name="" if group else "相談者",
        channel=Consultation.Channel.VISIT,
        category=Consultation.Category.PARTNERSHIP,
        summary="協力先を探している",
    )


def _introduction(from_group=None):
    from collaboration import services_gobetween
    from tests.factories import GroupFactory

    return services_gobetween.introduction_record(
        actor=None, from_group=from_group or GroupFactory(), to_group=GroupFactory()
    )


def consultation_pk(ctx) -> dict:
    return {"pk": _consultation(ctx.group).pk}


def group_slug(ctx) -> dict:
    return {"slug": ctx.group.slug}


def introduction_pk(ctx) -> dict:
    return {"pk": _introduction(ctx.group).pk}


def episode_pk(ctx) -> dict:
    from tests.news.factories import EpisodeFactory

    return {"pk": EpisodeFactory().pk}


# Members of a registered group (they may ask to appear for it).
ASKERS = {"other_member", "member", "representative"}


def rows() -> dict:
    # Imported here: tests/a11y/pages.py imports this module too, and the matrix imports that.
    from tests.security import matrix as m

    only, every, signed_in = m.only, m.every, m.signed_in
    return {
        "collaboration:gobetween": m.Row(get=only(STAFF), post=signed_in(405)),
        "collaboration:referral_create": m.Row(
            get=only(STAFF), post=only(STAFF), kwargs=consultation_pk
        ),
        "collaboration:introduction_create": m.Row(
            get=only(STAFF), post=only(STAFF), kwargs=group_slug
        ),
        "collaboration:introduction_outcome": m.Row(
            get=only(STAFF), post=only(STAFF), kwargs=introduction_pk
        ),
        "programme:episode": m.Row(get=every(200), post=every(405), kwargs=episode_pk),
        "programme:appear": m.Row(
            get=only(ASKERS),
            post=only(ASKERS),
            note="a registered group's members ask for their group; staff decide in the admin",
        ),
    }


def _appearance_request():
    from news import services
    from tests.factories import GroupFactory, MembershipFactory

    member = MembershipFactory(group=GroupFactory()).user
    return services.appearance_request(
        actor=member,
        group=member.memberships.get().group,
        topic="walk",
        preferred_month=dt.date.today().replace(day=1),
    )


MAKERS = {
    "collaboration.Introduction": _introduction,
    "news.AppearanceRequest": _appearance_request,
}
DECISION_LABELS = ["collaboration.Introduction", "news.AppearanceRequest"]


# --- The accessibility crawl (tests/a11y/pages.py adds these): pages the crawl's links may
# not reach (it reads two pages of a kind, and the demo's consultations may all be older than
# the follow-up page's "not referred" list).
def _a11y_referral(data) -> str:
    from django.urls import reverse

    from groups.models import Consultation

    consultation = Consultation.objects.order_by("-held_on", "-pk").first() or _consultation()
    return reverse("collaboration:referral_create", args=[consultation.pk])


def _a11y_outcome(data) -> str | None:
    from django.urls import reverse

    from collaboration import services_gobetween
    from groups.models import Group

    registered = list(Group.objects.registered().order_by("pk")[:2])
    if len(registered) < 2:
        return None
    a, b = registered
    introduction = services_gobetween.introduction_record(
        actor=None,
        from_group=a,
        to_group=b,
        note="同じ地域で子ども向けの活動をしているため紹介",
        follow_up_on=dt.date.today(),
    )
    return reverse("collaboration:introduction_outcome", args=[introduction.pk])


def _a11y_agreement(data) -> str | None:
    """The agreement's form of a project adopted but not agreed yet (the demo has one; the
    crawl reads only two workspaces, which may be others)."""
    from django.urls import reverse

    from collaboration.models import Project

    waiting = Project.objects.filter(status=Project.Status.PREPARING).order_by("pk").first()
    return reverse("collaboration:agreement_record", args=[waiting.slug]) if waiting else None


A11Y_PAGES = {
    "collaboration:referral_create": _a11y_referral,
    "collaboration:introduction_outcome": _a11y_outcome,
    "collaboration:agreement_record": _a11y_agreement,
}
