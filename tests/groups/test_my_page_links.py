"""My Page's group section: its own links are tap targets, not words in a sentence."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_register_and_find_links_are_list_items(client_for, citizen):
    html = client_for("citizen").get(reverse("my_account")).content.decode()
    # site.css makes `main li > a` at least 44 px high; a link in a <p> with another one is not.
    assert f'<li><a href="{reverse("groups:apply")}">' in html
    assert f'<li><a href="{reverse("groups:directory")}">' in html
