"""One object of each collaboration model whose plain fields do not make a valid one, for the
walks through the admin (tests/security/admin_objects.py adds these to its MAKERS)."""

from __future__ import annotations

import datetime as dt

from accounts.roles import make_official
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def _department():
    from collaboration.models import Partner

    return Partner.objects.create(name="walk 課", kind=Partner.Kind.DEPARTMENT)


def _department_official():
    from collaboration import services

    user = UserFactory()
    make_official(user)
    return services.official_assign(actor=None, user=user, department=_department())


def _proposal():
    from collaboration import services

    member = MembershipFactory(group=GroupFactory()).user
    return services.proposal_create(
        actor=member,
        group=member.memberships.get().group,
        title="walk",
        aim="aim",
        activities="activities",
        role_group="group",
        role_city="city",
        budget=1000,
        schedule=str(dt.date.today()),
    )


MAKERS = {
    "collaboration.DepartmentOfficial": _department_official,
    "collaboration.Proposal": _proposal,
}
