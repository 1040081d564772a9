"""Small words read whole on a phone (QA review at 390 px): the year a group was founded says
年, and an activity's photo count 「写真2枚」 never breaks across lines."""

import re
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from tests.groups.factories import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_the_group_page_gives_the_year_founded_with_its_unit(client, group, ja):
    group.founded_year = 1995
    group.save()
    html = client.get(group.get_absolute_url()).content.decode()
    assert re.search(r"<dt>設立年</dt><dd>1995年</dd>", html)


def test_an_activitys_photo_count_stays_on_one_line(client_for, group, member, ja):
    client = client_for("member")
    client.post(
        reverse("groups:activity_create", args=[group.slug]),
        {
            "held_on": "2026-01-10",
            "title": "新年の子ども食堂",
            "body": "40人の子どもが参加しました。",
            "submission_token": str(uuid.uuid4()),
            "photos": [jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")],
        },
    )
    for url in (reverse("groups:recent_activities"), group.get_absolute_url()):
        html = client_for("anonymous").get(url).content.decode()
        assert '<span class="nowrap">写真2枚</span>' in html, url
    css = (Path(__file__).resolve().parents[2] / "groups/static/groups/groups.css").read_text()
    assert ".nowrap { white-space: nowrap; }" in css
