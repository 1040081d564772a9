"""QA findings on the organisers' pages: attendance before the event's day is read-only and says
when recording opens; empty cells and zero parts are left out; an event not yet published shows
no places or deadline; the four organiser pages share one breadcrumb trail."""

import re

import pytest
from django.urls import reverse

from events import services
from events.models import Event
from tests.events.factories import EventFactory, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _register(event, name, people):
    return services.registration_create(
        actor=UserFactory(full_name=name), event=event, people=people, notify=False
    )


def test_before_the_day_attendance_lists_the_registrants_without_controls(
    client_for, on_the_day, ja
):
    event = EventFactory(slug="visit", start=at(3, 10), end=at(3, 12))
    _register(event, "鈴木 健", 2)
    _register(event, "伊藤 誠", 1)
    html = client_for("staff").get(reverse("events:attendance", args=[event.slug])).content
    html = html.decode()
    assert "鈴木 健" in html and "伊藤 誠" in html
    assert "開催日（12月4日）の0時から記録できます" in html
    assert "申し込み2件、計3名。" in html
    # Nothing to press that would only answer with an error.
    assert 'type="radio"' not in html
    for label in ("出席を保存する", "全員出席にする", "当日参加を追加する"):
        assert label not in html
    # No empty "group" label on the cards of people who came on their own.
    assert 'data-label="団体"' not in html


def test_on_the_day_the_summary_leaves_out_zero_walk_ins_and_groups(client_for, on_the_day, ja):
    event = EventFactory(slug="today", start=at(0, 14), end=at(0, 16))
    _register(event, "山田 一郎", 2)
    html = client_for("staff").get(reverse("events:attendance", args=[event.slug])).content
    html = html.decode()
    assert 'type="radio"' in html and "出席を保存する" in html
    assert "出席：0名（申し込み2名）。" in html
    assert "当日参加0名" not in html and "0団体" not in html


@pytest.mark.parametrize("status", [Event.Status.PROPOSED, Event.Status.DRAFT])
def test_an_unpublished_event_shows_no_places_or_deadline(client_for, group, status, ja):
    event = EventFactory(status=status, organiser=group, capacity=24)
    html = client_for("member").get(event.get_absolute_url()).content.decode()
    assert "公開後に申し込みを受け付けます。" in html
    assert "空き状況" not in html and "残り24席" not in html
    assert "まで</dd>" not in html  # the registration deadline
    assert "受け付けていません" not in html


def test_a_published_event_still_shows_its_places(client_for, group, ja):
    event = EventFactory(organiser=group, capacity=24, start=at(10), end=at(10, 16))
    html = client_for("member").get(event.get_absolute_url()).content.decode()
    assert "残り24席" in html


@pytest.mark.parametrize(
    ("name", "here"),
    [
        ("events:manage", "イベントの運営"),
        ("events:registrants", "申込者"),
        ("events:attendance", "出欠の記録"),
        ("events:door_list", "参加者名簿"),
    ],
)
def test_the_organiser_pages_share_one_breadcrumb_trail(client_for, name, here, ja):
    event = EventFactory(slug="trail", title="見学会")
    html = client_for("staff").get(reverse(name, args=[event.slug])).content.decode()
    trail = re.search(r'<nav class="breadcrumbs[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert trail, name
    steps = re.findall(r"<li>(.*?)</li>", trail.group(1), re.S)
    assert [re.sub(r"<[^>]+>", "", step).strip() for step in steps] == [
        "トップページ",
        "イベント",
        "見学会",
        here,
    ]
    assert f'href="{reverse("events:list")}"' in trail.group(1)
    assert f'href="{event.get_absolute_url()}"' in trail.group(1)
