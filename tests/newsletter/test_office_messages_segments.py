"""Messages from the office: each segment reaches exactly the people it names, on known data
(tests/newsletter/office_data.py), with the edges: a group withdrawn yesterday, a suspended
group, a representative who is also a member of another group, a registrant who cancelled, a
bounced address, a cancelled event's registrants."""

from __future__ import annotations

import pytest
import time_machine

from newsletter import segments, selectors
from tests.newsletter import office_data
from tests.newsletter.office_data import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june_2026():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    return office_data.build()


def emails(segment: dict) -> set[str]:
    return {
        r.email
        for r in segments.resolve(segment, suppressed_of=selectors.suppressed_addresses).recipients
    }


def test_every_registered_group_reaches_its_representatives_only(world):
    # C is suspended, D withdrew yesterday, E's representative's address bounced.
    assert emails({"all_groups": True}) == {"a-rep@example.org", "b-rep@example.org"}
    resolved = segments.resolve({"all_groups": True}, suppressed_of=selectors.suppressed_addresses)
    assert resolved.suppressed == ["e-rep@example.org"]
    assert set(resolved.group_ids) == {world.a.pk, world.b.pk}


def test_all_members_once_each_with_every_reason(world):
    resolved = segments.resolve(
        {"all_groups": True, "audience": "members"}, suppressed_of=selectors.suppressed_addresses
    )
    by_email = {r.email: r for r in resolved.recipients}
    assert set(by_email) == {"a-rep@example.org", "a-mem@example.org", "b-rep@example.org"}
    # B's representative is a member of A: one mail, whose line names both groups.
    reason = by_email["b-rep@example.org"].reason()
    assert "「ささえ愛」の管理者" in reason and "「みどりの会」の会員" in reason


def test_by_activity_field_and_by_area(world):
    assert emails({"fields": [world.env.pk]}) == {"a-rep@example.org"}  # not C, not D
    assert emails({"fields": [world.welfare.pk]}) == {"b-rep@example.org"}  # E bounced
    assert emails({"areas": [world.north.pk]}) == {"a-rep@example.org"}
    assert emails({"areas": [world.south.pk]}) == {"b-rep@example.org"}
    # Parts add up.
    assert emails({"fields": [world.env.pk], "areas": [world.south.pk]}) == {
        "a-rep@example.org",
        "b-rep@example.org",
    }


def test_not_yet_renewed_this_fiscal_year(world):
    # B renewed for FY2025 only; A and E renewed for FY2026; C and D are not registered.
    assert emails({"not_renewed": True}) == {"b-rep@example.org"}


def test_with_bookings_in_a_date_range(world):
    week = {"booked_from": "2026-06-15", "booked_to": "2026-06-21"}
    assert emails(week) == {"b-rep@example.org"}  # A's booking that week was cancelled
    assert emails({"booked_from": "2026-06-22", "booked_to": "2026-06-28"}) == set()
    assert emails({"booked_from": "2026-06-16", "booked_to": "2026-06-16"}) == set()


def test_chosen_groups_only_if_registered(world):
    assert emails({"groups": [world.a.pk, world.c.pk, world.d.pk]}) == {"a-rep@example.org"}
    members = emails({"groups": [world.b.pk], "audience": "members"})
    assert members == {"b-rep@example.org"}


def test_event_registrants_by_status(world):
    event = [world.event.pk]
    assert emails({"events": event, "event_statuses": ["confirmed"]}) == {
        "came@example.net",
        "absent@example.net",
        "a-rep@example.org",
    }
    assert emails({"events": event, "event_statuses": ["waitlisted"]}) == {"waiting@example.net"}
    assert emails({"events": event, "event_statuses": ["attended"]}) == {"came@example.net"}
    assert emails({"events": event, "event_statuses": ["absent"]}) == {
        "absent@example.net",
        "a-rep@example.org",
    }
    every = emails({"events": event, "event_statuses": list(segments.EVENT_STATUSES)})
    assert "cancelled@example.net" not in every  # a registrant who cancelled, never


def test_a_cancelled_events_registrants_may_be_told(world):
    told = emails({"events": [world.cancelled_event.pk], "event_statuses": ["confirmed"]})
    assert told == {"told@example.net"}  # not the one who had cancelled before


def test_a_union_removes_duplicates_by_address_and_names_every_reason(world):
    resolved = segments.resolve(
        {"all_groups": True, "events": [world.event.pk], "event_statuses": ["confirmed"]},
        suppressed_of=selectors.suppressed_addresses,
    )
    addresses = [r.email for r in resolved.recipients]
    assert len(addresses) == len(set(addresses)) == 4
    a_rep = next(r for r in resolved.recipients if r.email == "a-rep@example.org")
    assert "「みどりの会」の管理者" in a_rep.reason() and "「春の交流会」" in a_rep.reason()


def test_the_segment_in_words(world):
    lines = segments.describe(
        {"fields": [world.env.pk], "not_renewed": True, "events": [world.event.pk]},
        fiscal_year=2026,
    )
    assert lines == [
        "活動分野 環境保全X の団体：管理者",
        "令和8年度 (2026年度) の更新がまだの団体：管理者",
        "「春の交流会」の申込者：参加確定",
    ]


def test_a_crafted_definition_is_refused():
    with pytest.raises(segments.SegmentError):
        segments.normalise({"audience": "everyone"})
    with pytest.raises(segments.SegmentError):
        segments.normalise({"fields": ["1; drop table"]})
    with pytest.raises(segments.SegmentError):
        segments.normalise({"events": [1], "event_statuses": ["cancelled"]})
