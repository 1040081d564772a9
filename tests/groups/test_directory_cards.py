"""The directory's cards are built in Python (groups/cards.py, issue #20) exactly as the card
template renders them: logo, name, reading, summary, fields, areas and what the group looks for,
escaped, in Japanese and in English."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from groups.cards import directory_card, directory_cards
from groups.models import ActivityField, Area, Group
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(db):
    full = GroupFactory(
        name='<b>"子ども" & 食堂</b>',
        name_kana="こどもしょくどう",
        summary="<script>alert('x')</script> 毎週の食事会 & 学習支援",
        looking_for=[Group.LookingFor.VOLUNTEERS, Group.LookingFor.PARTNERS],
    )
    full.logo.name = "logos/a&b.png"
    full.fields.add(*ActivityField.objects.order_by("order", "pk")[:3])
    area = Area.objects.get_or_create(slug="kawanishi", defaults={"name": "川西<東>"})[0]
    full.areas.add(area)
    bare = GroupFactory(name="川の会", name_kana="かわのかい", summary="")
    return [full, bare]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_card_is_the_card_template_byte_for_byte(groups, language):
    with translation.override(language):
        for group in groups:
            expected = render_to_string("groups/_group_card.html", {"group": group})
            assert directory_card(group) == expected
        html = directory_card(groups[0])
        for piece in ("group-card__logo", "badge--area", "badge--wanted", "&lt;b&gt;"):
            assert piece in html
        assert "&lt;script&gt;" in directory_cards(groups)
        assert "<script>" not in directory_cards(groups)
