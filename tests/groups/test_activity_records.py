"""Activity records: members post dated reports with up to six cleaned photos."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from groups.models import ActivityPhoto, ActivityRecord, Group
from tests.groups.factories import GPS_IFD, huge_file, jpeg_with_gps, not_an_image, png


def record_data(**overrides):
    data = {
        "held_on": "2026-01-10",
        "title": "新年の子ども食堂",
        "body": "40人の子どもが参加しました。",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def post(client, group, **overrides):
    return client.post(
        reverse("groups:activity_create", args=[group.slug]), record_data(**overrides)
    )


@pytest.mark.django_db
def test_a_member_posts_a_record_with_photos_and_gps_is_gone(client_for, group, member):
    client = client_for("member")
    assert client.get(reverse("groups:activity_create", args=[group.slug])).status_code == 200
    response = post(
        client,
        group,
        photos=[jpeg_with_gps("a.jpg", size=(4000, 3000)), jpeg_with_gps("b.jpg"), png("c.png")],
    )
    record = ActivityRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert record.group == group and record.created_by == member
    assert record.held_on == dt.date(2026, 1, 10)
    photos = list(record.photos.all())
    assert [p.order for p in photos] == [0, 1, 2]
    for photo in photos:
        with Image.open(photo.image.path) as image:
            assert max(image.size) <= 1600
            exif = image.getexif()
            assert not exif.get_ifd(GPS_IFD)
            assert 0x010F not in exif  # the camera's make is gone too
        with Image.open(photo.thumbnail.path) as thumb:
            assert max(thumb.size) <= 480
            assert not thumb.getexif().get_ifd(GPS_IFD)
        assert "a.jpg" not in photo.image.name  # stored under a random name

    page = client_for("anonymous").get(record.get_absolute_url()).content.decode()
    assert "新年の子ども食堂" in page and "40人の子どもが参加しました。" in page
    assert photos[0].thumbnail.url in page
    assert 'alt="新年の子ども食堂：写真1"' in page
    listed = client_for("anonymous").get(group.get_absolute_url()).content.decode()
    assert "新年の子ども食堂" in listed
    recent = client_for("anonymous").get(reverse("groups:recent_activities")).content.decode()
    assert "新年の子ども食堂" in recent


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("photos", "message"),
    [
        ([not_an_image("script.jpg")], "script.jpg: "),
        ([jpeg_with_gps("ok.jpg"), not_an_image("bad.png")], "bad.png: "),
        ([huge_file("huge.jpg", 20)], "大きすぎ"),
        ([png(f"p{i}.png", size=(50, 50)) for i in range(7)], "6枚まで"),
    ],
)
def test_bad_photos_are_explained_and_nothing_is_saved(client_for, group, member, photos, message):
    response = post(client_for("member"), group, photos=photos)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["photos"])
    assert message in errors
    assert not ActivityRecord.objects.exists()
    assert not ActivityPhoto.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"held_on": "not a date"}, "held_on"),
        ({"title": ""}, "title"),
        ({"body": "x" * 5001}, "body"),
    ],
)
def test_bad_records_are_explained(client_for, group, member, overrides, field):
    response = post(client_for("member"), group, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ActivityRecord.objects.exists()


@pytest.mark.django_db
def test_a_record_posted_twice_is_saved_once(client_for, group, member):
    client = client_for("member")
    data = record_data()
    first = client.post(reverse("groups:activity_create", args=[group.slug]), data)
    second = client.post(reverse("groups:activity_create", args=[group.slug]), data, follow=True)
    assert ActivityRecord.objects.count() == 1
    assert first["Location"] == ActivityRecord.objects.get().get_absolute_url()
    assert "既に投稿" in second.content.decode()


@pytest.mark.django_db
def test_editing_removes_and_adds_photos_within_the_limit(client_for, group, member):
    client = client_for("member")
    post(client, group, photos=[png(f"p{i}.png", size=(60, 60)) for i in range(5)])
    record = ActivityRecord.objects.get()
    photos = list(record.photos.all())
    url = reverse("groups:activity_edit", args=[group.slug, record.pk])

    # 5 kept + 2 new is too many.
    response = client.post(
        url, record_data(photos=[png("x.png"), png("y.png")], submission_token="")
    )
    assert response.status_code == 200
    assert "6枚まで" in " ".join(response.context["form"].errors["photos"])
    assert record.photos.count() == 5

    # Remove two, add two.
    response = client.post(
        url,
        record_data(
            title="書き直したタイトル",
            remove_photos=[photos[0].pk, photos[1].pk],
            photos=[png("x.png"), png("y.png")],
        ),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "書き直したタイトル"
    assert record.photos.count() == 5
    assert not ActivityPhoto.objects.filter(pk__in=[photos[0].pk, photos[1].pk]).exists()


@pytest.mark.django_db
def test_deleting_a_record_removes_its_photos(client_for, group, member):
    client = client_for("member")
    post(client, group, photos=[png()])
    record = ActivityRecord.objects.get()
    url = reverse("groups:activity_delete", args=[group.slug, record.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ActivityRecord.objects.exists() and not ActivityPhoto.objects.exists()


@pytest.mark.django_db
def test_only_members_of_a_registered_group_post(client_for, group, member, other_member):
    assert post(client_for("other_member"), group).status_code == 403
    assert post(client_for("citizen"), group).status_code == 403
    Group.objects.filter(pk=group.pk).update(status=Group.Status.SUSPENDED)
    assert post(client_for("member"), group).status_code == 403
    assert not ActivityRecord.objects.exists()


@pytest.mark.django_db
def test_records_of_one_group_cannot_be_edited_through_another(
    client_for, group, other_group, member
):
    record = ActivityRecord.objects.create(
        group=other_group, held_on=timezone.localdate(), title="他の団体", body="…"
    )
    url = reverse("groups:activity_edit", args=[group.slug, record.pk])
    assert client_for("member").get(url).status_code == 404
