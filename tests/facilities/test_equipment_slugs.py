"""Equipment has a web address name (issue #16): the free-room search and the booking form's
prefill take ``equipment=<slug>``, old links with the piece's id still read, anything else
gives the form with a message; staff name a piece in the admin through ``equipment_save``."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditLog
from facilities.models import Equipment
from facilities.services import BookingError
from facilities.services.rooms import equipment_save
from tests.facilities.factories import EquipmentFactory, RoomFactory, open_day

pytestmark = pytest.mark.django_db

FREE = reverse("facilities:free")


@pytest.fixture
def projector(db):
    return EquipmentFactory(name="プロジェクター", slug="projector", quantity=2)


@pytest.fixture
def small_room(db):
    return RoomFactory(name="作業室", slug="small", capacity=6)


def free_search(client, day, *equipment: str):
    query = f"?date={day.isoformat()}&from=10:00&to=12:00&people=3"
    query += "".join(f"&equipment={e}" for e in equipment)
    return client.get(FREE + query)


def warnings(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the free-room search --------------------------------------------------------------------


def test_a_search_by_the_pieces_name_finds_rooms_and_books_with_it(client, small_room, projector):
    response = free_search(client, open_day(), "projector", "projector")
    assert response.status_code == 200
    search = response.context["search"]
    assert search.equipment == {projector: 2}
    answer = search.matches[0]
    assert answer.book_url.endswith("&equipment=projector&equipment=projector")
    assert str(projector.pk) not in answer.book_url.split("attendees=3")[1]
    # The checkbox of the form on the results page is ticked, by its name.
    assert 'value="projector"' in response.content.decode()
    assert response.context["form"]["equipment"].value() == ["projector", "projector"]


def test_an_old_link_with_the_pieces_id_still_reads_and_links_on_by_name(
    client, small_room, projector
):
    response = free_search(client, open_day(), str(projector.pk))
    assert response.status_code == 200
    assert response.context["problem"] is None
    search = response.context["search"]
    assert search.equipment == {projector: 1}
    assert search.matches[0].book_url.endswith("&equipment=projector")


@pytest.mark.parametrize("raw", ["beamer", "999999", "PROJECTOR", "projector%00", "", "-1"])
def test_an_unknown_piece_gives_the_form_with_a_message(client, small_room, projector, raw):
    response = free_search(client, open_day(), raw)
    assert response.status_code == 200
    assert response.context["search"] is None
    assert response.context["problem"]
    page = response.content.decode()
    assert 'role="alert"' in page
    errors = response.context["form"].errors
    assert list(errors) == ["equipment"], "the rest of the search was fine"
    assert errors["equipment"][0] in page
    assert 'href="#free-equipment_0"' in page, "the summary links to the checkboxes"


def test_a_piece_taken_out_of_use_is_not_offered(client, small_room, projector, staff):
    equipment_save(actor=staff, values={"is_active": False}, equipment=projector)
    response = free_search(client, open_day(), "projector")
    assert response.context["search"] is None and response.context["problem"]


def test_the_search_asks_a_fixed_number_of_queries_whatever_the_equipment(
    client, small_room, projector, django_assert_max_num_queries
):
    day = open_day()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert free_search(client, day, "projector", str(projector.pk)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(15):
        EquipmentFactory(quantity=n + 1)
    assert count() == few
    with django_assert_max_num_queries(few):
        free_search(client, day, "projector")


# --- the booking form's prefill --------------------------------------------------------------


def book_link(room, day, *equipment: str) -> str:
    path = reverse("facilities:book", kwargs={"slug": room.slug})
    query = f"?start={day}T10:00&end={day}T12:00&attendees=3"
    return path + query + "".join(f"&equipment={e}" for e in equipment)


def test_the_booking_form_is_prefilled_by_name_and_by_old_id(
    client_for, group, small_room, projector
):
    member = client_for("member")
    day = open_day()
    laptop = EquipmentFactory(name="ノートPC", slug="laptop", quantity=4)
    response = member.get(book_link(small_room, day, "projector", "laptop", str(laptop.pk)))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial[f"equipment_{projector.pk}"] == 1
    assert form.initial[f"equipment_{laptop.pk}"] == 2
    assert form.initial["attendees"] == 3 and form.initial["date"] == day
    assert "equipment" not in form.initial
    assert not form.unknown_equipment and warnings(response) == []
    page = response.content.decode()
    assert f'name="equipment_{laptop.pk}" value="2"' in page


@pytest.mark.parametrize("raw", ["beamer", "999999", "x" * 500, "%ff", "<b>"])
def test_an_unknown_piece_in_a_booking_link_says_so_and_keeps_the_rest(
    client_for, group, small_room, projector, raw
):
    response = client_for("member").get(book_link(small_room, open_day(), raw, "projector"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial[f"equipment_{projector.pk}"] == 1
    assert form.initial["start_time"] == dt.time(10)
    assert form.unknown_equipment
    assert any("equipment in the link" in m or "機材" in m for m in warnings(response))
    assert "<b>" not in response.content.decode()


def test_the_prefilled_booking_form_asks_a_fixed_number_of_queries(
    client_for, group, small_room, projector
):
    member = client_for("member")
    day = open_day()
    link = book_link(small_room, day, "projector", "nothing")
    member.get(link)  # the session and the caches warmed

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert member.get(link).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(10):
        EquipmentFactory(quantity=n + 1)
    assert count() == few


# --- staff name a piece ----------------------------------------------------------------------


@pytest.fixture
def admin(client_for, staff_admin):
    return client_for("staff")


def change_data(item, **values) -> dict:
    data = {
        "name": item.name,
        "slug": item.slug,
        "quantity": item.quantity,
        "notes": item.notes,
        "order": item.order,
        "is_active": "on",
    }
    return {**data, **values}


def test_staff_rename_a_pieces_web_address_in_the_admin_audited(admin, staff, projector):
    change = reverse("admin:facilities_equipment_change", args=[projector.pk])
    page = admin.get(change).content.decode()
    assert 'name="slug"' in page and 'value="projector"' in page
    assert admin.post(change, change_data(projector, slug="beamer")).status_code == 302
    projector.refresh_from_db()
    assert projector.slug == "beamer"
    row = AuditLog.objects.get(action="facilities.equipment_update")
    assert row.data["changes"] == {"slug": ["projector", "beamer"]}
    assert row.actor == staff
    changelist = admin.get(reverse("admin:facilities_equipment_changelist")).content.decode()
    assert "beamer" in changelist


@pytest.mark.parametrize("slug", ["laptop", "123", "プロジェクター", "a b"])
def test_a_taken_or_unusable_name_is_refused_in_the_admin(admin, projector, slug):
    EquipmentFactory(name="ノートPC", slug="laptop")
    change = reverse("admin:facilities_equipment_change", args=[projector.pk])
    response = admin.post(change, change_data(projector, slug=slug))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("slug", []))
    assert errors, slug
    projector.refresh_from_db()
    assert projector.slug == "projector"
    assert not AuditLog.objects.filter(action="facilities.equipment_update").exists()


def test_a_piece_added_without_a_name_gets_equipment_and_its_id(admin, staff):
    add = reverse("admin:facilities_equipment_add")
    data = {"name": "拡声器", "slug": "", "quantity": 2, "notes": "", "order": 3, "is_active": "on"}
    assert admin.post(add, data).status_code == 302
    item = Equipment.objects.get(name="拡声器")
    assert item.slug == f"equipment-{item.pk}"
    row = AuditLog.objects.get(action="facilities.equipment_create")
    assert row.data["values"]["slug"] == item.slug and row.actor == staff
    # Cleared later: the same default, and the change is audited.
    change = reverse("admin:facilities_equipment_change", args=[item.pk])
    admin.post(change, change_data(item, slug="megaphone"))
    admin.post(change, change_data(Equipment.objects.get(pk=item.pk), slug=""))
    item.refresh_from_db()
    assert item.slug == f"equipment-{item.pk}"
    changes = [
        r.data["changes"]["slug"]
        for r in AuditLog.objects.filter(action="facilities.equipment_update").order_by("pk")
    ]
    assert changes == [[f"equipment-{item.pk}", "megaphone"], ["megaphone", item.slug]]


def test_the_service_refuses_a_taken_or_unusable_name(staff, projector):
    laptop = EquipmentFactory(name="ノートPC", slug="laptop")
    for slug in ("projector", "42", "ノート", "a b"):
        with pytest.raises(BookingError) as error:
            equipment_save(actor=staff, values={"slug": slug}, equipment=laptop)
        assert error.value.code == "slug"
    laptop.refresh_from_db()
    assert laptop.slug == "laptop"


def test_a_piece_made_without_a_name_anywhere_gets_equipment_and_its_id():
    item = Equipment.objects.create(name="スクリーン", quantity=1)
    assert item.slug == f"equipment-{item.pk}"
    assert Equipment.objects.get(pk=item.pk).slug == item.slug
    other = Equipment.objects.create(name="ホワイトボード", quantity=1)
    assert other.slug == f"equipment-{other.pk}" != item.slug


def test_the_demo_names_its_equipment_and_renames_pieces_made_before_names(staff):
    from facilities import demo

    old = Equipment.objects.create(name="プロジェクター", quantity=2)
    assert old.slug == f"equipment-{old.pk}"
    items = demo._seed_equipment(staff)
    assert {i.name: i.slug for i in items} == {name: slug for name, slug, *_rest in demo.EQUIPMENT}
    old.refresh_from_db()
    assert old.slug == "projector"
    assert AuditLog.objects.filter(action="facilities.equipment_update").count() == 1
    demo._seed_equipment(staff)  # idempotent
    assert AuditLog.objects.filter(action="facilities.equipment_update").count() == 1
