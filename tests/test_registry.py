"""The panel registry (core.registry): apps add sections to other apps' pages in their
AppConfig.ready; pages gather them in order, and a failing panel is not hidden."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import can_view_reports
from core import registry
from tests.bulletin.factories import PostFactory
from tests.events.factories import EventFactory


@pytest.fixture
def panel_in_home():
    added = []

    def add(panel, slot="home"):
        registry.register(slot, panel)
        added.append((slot, panel.key))
        return panel

    yield add
    for slot, key in added:
        registry.unregister(slot, key)


def test_the_apps_register_their_sections_of_each_page():
    assert [p.key for p in registry.panels("home_notices")] == ["news.pinned"]
    assert [p.key for p in registry.panels("home")] == [
        "news.latest",
        "events.upcoming",
        "bulletin.newest",
        "facilities.free_search",
        "facilities.rooms_today",
        "groups.new_groups",
        "newsletter.latest_issue",
    ]
    assert [p.key for p in registry.panels("group_page")] == [
        "events.upcoming",
        "bulletin.posts",
        "collaboration.introductions",
        "news.programme",
    ]
    assert [p.key for p in registry.panels("my_page")] == [
        "groups.memberships",
        "collaboration.desk",
        "facilities.bookings",
        "events.registrations",
        "events.organised",
        "maillog.recent",
    ]


def test_panels_come_in_order_with_their_context(panel_in_home):
    panel_in_home(
        registry.Panel("test.b", "t/b.html", lambda s: {"who": s}, order=2), "personal_data"
    )
    panel_in_home(
        registry.Panel("test.a", "t/a.html", lambda s: {"n": 1}, order=1), "personal_data"
    )
    shown = registry.gather("personal_data", "subject")
    assert shown == [
        registry.Shown("test.a", "t/a.html", {"n": 1}),
        registry.Shown("test.b", "t/b.html", {"who": "subject"}),
    ]


def test_a_failing_panel_is_not_swallowed(panel_in_home):
    def broken(subject):
        raise RuntimeError("the neighbour is broken")

    panel_in_home(registry.Panel("test.broken", "t/x.html", broken), "personal_data")
    with pytest.raises(RuntimeError, match="neighbour is broken"):
        registry.gather("personal_data", None)


def test_a_batched_panel_reads_all_subjects_at_once(panel_in_home):
    calls = []

    def batch(subjects):
        calls.append(list(subjects))
        return [{"n": s * 10} for s in subjects]

    panel_in_home(
        registry.Panel("test.batch", "t/b.html", lambda s: {"n": s}, batch=batch), "personal_data"
    )
    shown = registry.gather_many("personal_data", [1, 2, 3])
    assert [[p.context for p in row] for row in shown] == [[{"n": 10}], [{"n": 20}], [{"n": 30}]]
    assert calls == [[1, 2, 3]]


def test_registering_twice_is_harmless_but_a_taken_key_or_unknown_slot_is_refused(
    panel_in_home,
):
    panel = panel_in_home(registry.Panel("test.once", "t/o.html", dict), "personal_data")
    registry.register("personal_data", panel)
    assert [p.key for p in registry.panels("personal_data")].count("test.once") == 1
    with pytest.raises(ImproperlyConfigured):
        registry.register("personal_data", registry.Panel("test.once", "t/other.html", dict))
    with pytest.raises(ImproperlyConfigured):
        registry.register("no_such_page", panel)


@pytest.mark.django_db
@pytest.mark.parametrize("slot", ["group_page", "my_page"])
def test_each_panel_costs_the_same_queries_however_much_it_shows(slot, group, representative):
    subject = group if slot == "group_page" else representative
    if slot == "my_page":
        # The page's header asks once what the viewer may see (kept on the user); a panel that
        # asks the same reads the kept answer, as it does on a real page.
        can_view_reports(subject)

    def cost():
        with CaptureQueriesContext(connection) as queries:
            registry.gather(slot, subject)
        return len(queries)

    EventFactory(organiser=group)
    PostFactory(group=group)
    few = cost()
    for _ in range(6):
        EventFactory(organiser=group)
        PostFactory(group=group)
    assert cost() == few
