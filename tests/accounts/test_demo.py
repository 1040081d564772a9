"""Demo accounts: the committee member is one (reports, survey results, committee opinions,
nothing of staff's), and ``seed_demo`` prints every demo account with its role."""

import io
import random

import pytest
from django.core.management import call_command

from accounts import demo
from accounts.roles import can_view_reports, is_committee_member, is_office_staff, is_official
from core.demo import DemoContext
from core.management.commands import seed_demo

pytestmark = pytest.mark.django_db


def test_the_committee_demo_account_is_a_committee_member_and_nothing_more(settings):
    ctx = DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO())
    demo.seed(ctx)
    member = ctx.shared["users"]["committee@example.com"]
    assert is_committee_member(member) and can_view_reports(member)
    assert not is_office_staff(member) and not is_official(member)
    assert member.check_password(settings.DEMO_PASSWORD)
    demo.seed(ctx)  # idempotent
    assert is_committee_member(ctx.shared["users"]["committee@example.com"])


def test_seed_demo_prints_every_demo_account(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "SEEDERS", ["accounts"])
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for email, _name, _role in demo.DEMO_USERS:
        assert email in printed
    assert "committee@example.com" in printed and "committee member" in printed
