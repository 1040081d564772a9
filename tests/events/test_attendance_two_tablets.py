"""Two staff record attendance at the same time (a tablet at each door): each saves only the
rows they changed, so a page opened earlier never undoes what the other tablet saved."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, at
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]

ROW_FIELD = re.compile(r"^(came|people|seen)_\d+$")


class _Inputs(HTMLParser):
    """The attendance rows' fields as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.data = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if tag != "input" or not ROW_FIELD.match(name):
            return
        if attrs.get("type") in ("checkbox", "radio"):
            if "checked" in attrs:
                self.data[name] = attrs.get("value") or "on"
        else:
            self.data[name] = attrs.get("value") or ""


def open_page(client, event) -> dict:
    page = client.get(reverse("events:attendance", args=[event.slug]))
    assert page.status_code == 200
    parser = _Inputs()
    parser.feed(page.content.decode())
    return parser.data


def tick(form: dict, registration: Registration, people: int | None = None) -> dict:
    form = dict(form)
    form[f"came_{registration.pk}"] = "on"
    if people is not None:
        form[f"people_{registration.pk}"] = str(people)
    return form


@pytest.fixture
def door(db):
    event = EventFactory(slug="koryukai-door", capacity=30, start=at(0, 14))
    people = [
        services.registration_create(
            actor=UserFactory(full_name=name), event=event, people=n, notify=False
        )
        for name, n in [("山田 一郎", 2), ("佐藤 美咲", 1), ("鈴木 花子", 1)]
    ]
    return event, people


def save(client, event, form):
    url = reverse("events:attendance", args=[event.slug])
    return client.post(url, form, follow=True)


def test_two_tablets_from_the_same_page_keep_each_others_ticks(client_for, door):
    event, (yamada, sato, suzuki) = door
    tablet_1, tablet_2 = client_for("staff"), client_for("staff")
    page_1, page_2 = open_page(tablet_1, event), open_page(tablet_2, event)
    assert page_1 == page_2
    save(tablet_1, event, tick(page_1, yamada, people=2))
    page = save(tablet_2, event, tick(page_2, sato))  # its page still shows 山田 not ticked
    assert "出席を保存しました（1件を変更）" in page.content.decode()
    marks = dict(Registration.objects.values_list("pk", "attended_people"))
    assert marks == {yamada.pk: 2, sato.pk: 1, suzuki.pk: 0}
    yamada.refresh_from_db()
    assert yamada.attended


def test_unticking_on_one_tablet_is_saved_and_untouched_rows_stay(client_for, door):
    event, (yamada, sato, suzuki) = door
    tablet_1, tablet_2 = client_for("staff"), client_for("staff")
    save(tablet_1, event, tick(tick(open_page(tablet_1, event), yamada), sato))
    page_1, page_2 = open_page(tablet_1, event), open_page(tablet_2, event)
    # Tablet 1: 佐藤 did not come after all. Tablet 2: 鈴木 came.
    page_1[f"came_{sato.pk}"] = "no"
    save(tablet_1, event, page_1)
    save(tablet_2, event, tick(page_2, suzuki))
    marks = dict(Registration.objects.values_list("pk", "attended_people"))
    assert marks == {yamada.pk: 2, sato.pk: 0, suzuki.pk: 1}


def test_someone_confirmed_after_the_page_was_opened_is_left_alone(client_for, door):
    event, (yamada, _sato, _suzuki) = door
    tablet_1, tablet_2 = client_for("staff"), client_for("staff")
    old_page = open_page(tablet_1, event)
    late = services.registration_create(actor=UserFactory(), event=event, notify=False)
    save(tablet_2, event, tick(open_page(tablet_2, event), late))
    save(tablet_1, event, tick(old_page, yamada))
    late.refresh_from_db()
    assert (late.attended, late.attended_people) == (True, 1)
