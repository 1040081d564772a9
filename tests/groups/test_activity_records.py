"""Activity records: members post dated reports with up to six cleaned photos."""

import datetime as dt
import re
import struct
import uuid
import zlib
from pathlib import PurePosixPath

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageFile

from core.models import AuditLog
from groups import services
from groups.models import ActivityField, ActivityPhoto, ActivityRecord, Group
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
        # Stored under a random name: 32 hex digits, never the uploaded a.jpg, b.jpg, c.png.
        stored = PurePosixPath(photo.image.name).name
        assert re.fullmatch(r"[0-9a-f]{32}\.(jpg|png)", stored), stored
        assert stored not in {"a.jpg", "b.jpg", "c.png"}

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


# --------------------------------------------------------------------------- photo limits
# Each member uploads at most 30 photos an hour (activity photos and the group's logo), and no
# picture over 24 megapixels is ever decoded (issue #12, finding 9).

NOW = dt.datetime(2026, 1, 20, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def earlier_photos(user, group, count, *, minutes_ago):
    """``count`` photos ``user`` uploaded ``minutes_ago`` minutes before NOW."""
    record = ActivityRecord.objects.create(
        group=group, held_on=dt.date(2026, 1, 10), title="前の記録", body="…", created_by=user
    )
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(
            record=record,
            image=f"groups/activities/earlier-{i}.jpg",
            thumbnail=f"groups/activities/thumbs/earlier-{i}.jpg",
            order=i,
            uploaded_by=user,
            uploaded_at=NOW - dt.timedelta(minutes=minutes_ago),
        )
        for i in range(count)
    )
    return record


def small_photos(count):
    return [png(f"p{i}.png", size=(40, 30)) for i in range(count)]


def photo_errors(response) -> str:
    return " ".join(response.context["form"].errors.get("photos", []))


@pytest.mark.django_db
def test_a_member_uploads_at_most_30_photos_an_hour(client_for, group, member, clock):
    earlier_photos(member, group, 29, minutes_ago=30)
    client = client_for("member")
    response = post(client, group, title="夏祭りの準備", photos=small_photos(2))
    assert response.status_code == 200
    assert "1時間に30枚まで" in photo_errors(response)
    assert "あと1枚" in photo_errors(response)
    assert response.context["form"]["title"].value() == "夏祭りの準備"  # what was typed stays
    assert not ActivityRecord.objects.filter(title="夏祭りの準備").exists()

    response = post(client, group, title="夏祭りの準備", photos=small_photos(1))
    assert response.status_code == 302
    record = ActivityRecord.objects.get(title="夏祭りの準備")
    assert record.photos.get().uploaded_by == member


@pytest.mark.django_db
def test_over_the_limit_the_photos_are_not_even_opened(
    client_for, group, member, clock, monkeypatch
):
    earlier_photos(member, group, 30, minutes_ago=5)

    def load(self, *args, **kwargs):
        raise AssertionError("a photo was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    response = post(client_for("member"), group, photos=small_photos(1))
    assert response.status_code == 200
    assert "1時間に30枚まで" in photo_errors(response)


@pytest.mark.django_db
def test_the_hour_is_a_sliding_window(client_for, group, member, clock):
    earlier_photos(member, group, 30, minutes_ago=0)
    client = client_for("member")
    assert post(client, group, photos=small_photos(1)).status_code == 200
    clock.shift(dt.timedelta(minutes=59, seconds=59))
    assert post(client, group, photos=small_photos(1)).status_code == 200
    clock.shift(dt.timedelta(seconds=1))  # an hour after: those 30 no longer count
    assert post(client, group, photos=small_photos(6)).status_code == 302
    assert ActivityPhoto.objects.filter(uploaded_by=member).count() == 36


@pytest.mark.django_db
def test_records_without_photos_are_not_limited(client_for, group, member, clock):
    earlier_photos(member, group, 30, minutes_ago=1)
    assert post(client_for("member"), group).status_code == 302


@pytest.mark.django_db
def test_the_limit_is_each_members_own(client_for, group, member, representative, clock):
    earlier_photos(member, group, 30, minutes_ago=1)
    assert post(client_for("representative"), group, photos=small_photos(6)).status_code == 302


@pytest.mark.django_db
def test_photos_added_when_editing_count_too(client_for, group, member, clock):
    record = earlier_photos(member, group, 0, minutes_ago=0)
    earlier_photos(member, group, 29, minutes_ago=10)
    url = reverse("groups:activity_edit", args=[group.slug, record.pk])
    response = client_for("member").post(
        url, record_data(title="書き直し", photos=small_photos(2), submission_token="")
    )
    assert response.status_code == 200
    assert "1時間に30枚まで" in photo_errors(response)
    assert record.photos.count() == 0


@pytest.mark.django_db
def test_the_service_keeps_the_limit_whoever_calls_it(group, member, clock):
    earlier_photos(member, group, 29, minutes_ago=10)
    photos = [ContentFile(png(f"p{i}.png", size=(40, 30)).read(), name=f"p{i}.png") for i in (1, 2)]
    with pytest.raises(services.PhotoLimitReached):
        services.activity_record_create(
            actor=member, group=group, held_on=dt.date(2026, 1, 10), title="t", body="b",
            photos=photos,
        )  # fmt: skip
    assert not ActivityRecord.objects.filter(title="t").exists()


@pytest.mark.django_db
def test_a_new_logo_counts_against_the_same_hour(client_for, group, member, clock):
    earlier_photos(member, group, 30, minutes_ago=1)
    edit = reverse("groups:edit", args=[group.slug])
    client = client_for("member")
    data = {
        "name": group.name,
        "name_kana": group.name_kana,
        "summary": group.summary,
        "fields": [ActivityField.objects.get(slug="children").pk],
    }
    response = client.post(edit, {**data, "logo_upload": png("logo.png", size=(50, 50))})
    assert response.status_code == 200
    assert "1時間に30枚まで" in " ".join(response.context["form"].errors["logo_upload"])
    group.refresh_from_db()
    assert not group.logo

    clock.shift(dt.timedelta(hours=1))
    response = client.post(edit, {**data, "logo_upload": png("logo.png", size=(50, 50))})
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert group.logo
    assert AuditLog.objects.filter(action="groups.group_profile_update", actor=member).count() == 1


@pytest.mark.django_db
def test_logos_uploaded_in_the_hour_count_for_activity_photos(client_for, group, member, clock):
    earlier_photos(member, group, 29, minutes_ago=10)
    services.group_profile_update(
        actor=member, group=group, data={}, logo=ContentFile(png().read(), name="logo.png")
    )
    response = post(client_for("member"), group, photos=small_photos(1))
    assert "1時間に30枚まで" in photo_errors(response)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height pixels (nothing behind it to decode)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
def test_a_photo_over_24_megapixels_is_refused_with_the_limit_named(client_for, group, member):
    big = SimpleUploadedFile("big.png", png_claiming(6001, 4000), content_type="image/png")
    response = post(client_for("member"), group, photos=[big])
    assert response.status_code == 200
    assert "big.png: 画像の画素数が多すぎます（24 メガピクセルまで）。" in photo_errors(response)
    assert not ActivityRecord.objects.exists()


@pytest.mark.django_db
def test_the_service_opens_no_photo_over_24_megapixels(group, member, monkeypatch):
    def load(self, *args, **kwargs):
        raise AssertionError("a photo was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    with pytest.raises(services.GroupError, match="24"):
        services.activity_record_create(
            actor=member, group=group, held_on=dt.date(2026, 1, 10), title="t", body="b",
            photos=[ContentFile(png_claiming(6001, 4000), name="big.png")],
        )  # fmt: skip
    assert not ActivityPhoto.objects.exists()
