"""Kept uploads: a file that passed its checks survives an error elsewhere in the form.

It is held in private storage against a signed token that expires; the form shows
「選択済み：規約.pdf（変更する）」; sent again without a new file, the field takes the held file.
"""

import datetime as dt
import io
import os
import re

import pytest
import time_machine
from django import forms
from django.core.management import call_command
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import empty
from PIL import Image

from core.forms import (
    CleanImageField,
    DocumentField,
    kept_uploads_hold,
    kept_uploads_release,
    kept_uploads_restore,
)
from core.uploads import HELD_DIR, held_uploads_purge, private_storage
from tests.groups.factories import PDF, fake_pdf, jpeg_with_gps, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_private_storage(settings, tmp_path):
    """Each test counts the held files of its own private storage."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


class RulesForm(forms.Form):
    name = forms.CharField(label="団体名")
    rules = DocumentField(label="規約")
    photo = CleanImageField(label="写真", required=False)


def held_files() -> list[str]:
    try:
        return private_storage.listdir(HELD_DIR)[1]
    except FileNotFoundError:
        return []


def token_in(html: str, name: str) -> str:
    match = re.search(rf'name="{name}__kept" value="([^"]+)"', html)
    assert match, f"no kept token for {name}"
    return match.group(1)


def test_an_error_elsewhere_keeps_the_file_and_shows_its_name():
    form = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf("規約.pdf")]}))
    assert not form.is_valid()
    assert "rules" not in form.errors
    html = str(form)
    assert "選択済み：規約.pdf" in html and "（変更する）" in html
    # The file input is no longer required: the browser does not ask for the file again.
    file_input = re.search(r'<input type="file" name="rules"[^>]*>', html).group(0)
    assert "required" not in file_input

    again = RulesForm({"name": "泉川子ども食堂", "rules__kept": token_in(html, "rules")})
    assert again.is_valid(), again.errors
    assert again.cleaned_data["rules"].read() == PDF
    assert again.cleaned_data["rules"].name.endswith(".pdf")  # a random name, never 規約.pdf


def test_a_file_is_held_only_when_the_form_is_shown_again():
    form = RulesForm({"name": "ok"}, MultiValueDict({"rules": [pdf()]}))
    assert form.is_valid()
    assert held_files() == []  # a form that is sent holds nothing


def test_sending_releases_the_held_file():
    form = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf()]}))
    form.is_valid()
    token = token_in(str(form), "rules")
    assert len(held_files()) == 1
    again = RulesForm({"name": "x", "rules__kept": token})
    assert again.is_valid()
    kept_uploads_release(again)
    assert held_files() == []


def test_a_new_file_replaces_the_kept_one():
    form = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf("old.pdf")]}))
    form.is_valid()
    token = token_in(str(form), "rules")
    again = RulesForm(
        {"name": "", "rules__kept": token}, MultiValueDict({"rules": [pdf("new.pdf")]})
    )
    again.is_valid()
    assert "選択済み：new.pdf" in str(again) and "old.pdf" not in str(again)


def test_an_expired_token_asks_for_the_file_again():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        form = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf()]}))
        form.is_valid()
        token = token_in(str(form), "rules")
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        again = RulesForm({"name": "x", "rules__kept": token})
        assert not again.is_valid()
        assert "もう一度選んでください" in again.errors["rules"][0]
        assert "選択済み" not in str(again)


def test_a_forged_or_borrowed_token_is_refused():
    form = RulesForm({"name": ""}, MultiValueDict({"photo": [jpeg_with_gps(size=(40, 30))]}))
    form.is_valid()
    photo_token = token_in(str(form), "photo")
    # Not signed by us.
    forged = RulesForm({"name": "x", "rules__kept": photo_token[:-3] + "abc"})
    assert not forged.is_valid() and "rules" in forged.errors
    # An image's token is not a document's: each field takes only what it checked itself.
    borrowed = RulesForm({"name": "x", "rules__kept": photo_token})
    assert not borrowed.is_valid() and "rules" in borrowed.errors


def test_a_file_that_failed_its_checks_is_not_kept():
    form = RulesForm({"name": ""}, MultiValueDict({"rules": [fake_pdf()]}))
    assert not form.is_valid()
    assert "選択済み" not in str(form)
    assert held_files() == []


def test_a_kept_photo_has_no_location_data():
    form = RulesForm({"name": ""}, MultiValueDict({"photo": [jpeg_with_gps(size=(400, 300))]}))
    form.is_valid()
    token = token_in(str(form), "photo")
    again = RulesForm({"name": "x", "rules": "", "photo__kept": token}, {"rules": pdf()})
    assert again.is_valid(), again.errors
    image = Image.open(io.BytesIO(again.cleaned_data["photo"].read()))
    assert not image.getexif()  # no GPS, no camera maker: the held copy is the cleaned one


def test_an_optional_kept_file_can_be_dropped():
    form = RulesForm({"name": ""}, MultiValueDict({"photo": [jpeg_with_gps(size=(40, 30))]}))
    form.is_valid()
    html = str(form)
    assert 'name="photo__kept_drop"' in html
    again = RulesForm(
        {"name": "x", "photo__kept": token_in(html, "photo"), "photo__kept_drop": "on"},
        {"rules": pdf()},
    )
    assert again.is_valid()
    assert again.cleaned_data["photo"] is None


def test_a_form_in_steps_holds_and_restores_its_files():
    form = RulesForm({"name": "x"}, MultiValueDict({"rules": [pdf("規約.pdf")]}))
    assert form.is_valid()
    tokens = kept_uploads_hold(form)
    assert list(tokens) == ["rules"] and len(held_files()) == 1
    shown_later = RulesForm()
    kept_uploads_restore(shown_later, tokens)
    assert "選択済み：規約.pdf" in str(shown_later)


def test_old_held_files_are_purged_and_fresh_ones_stay():
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(hours=30), tick=False):
        old = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf()]}))
        old.is_valid()
        str(old)
    fresh = RulesForm({"name": ""}, MultiValueDict({"rules": [pdf()]}))
    fresh.is_valid()
    str(fresh)
    # The files' times come from the file system: make the old one old.
    names = held_files()
    assert len(names) == 2
    oldest = sorted(names, key=lambda n: os.path.getmtime(private_storage.path(f"{HELD_DIR}/{n}")))
    stamp = (start - dt.timedelta(hours=30)).timestamp()
    os.utime(private_storage.path(f"{HELD_DIR}/{oldest[0]}"), (stamp, stamp))
    assert held_uploads_purge(now=start) == 1
    assert held_files() == [oldest[1]]
    call_command("core_held_uploads_purge", stdout=io.StringIO())
    assert held_files() == [oldest[1]]


def test_the_error_summary_links_each_wrong_field():
    form = RulesForm({"name": ""}, MultiValueDict({"rules": [fake_pdf()]}))
    form.is_valid()
    html = str(form)
    summary = html[: html.index('class="field')]
    assert 'role="alert"' in summary
    assert "2 か所を確認してください" in summary
    assert 'href="#id_name"' in summary and 'href="#id_rules"' in summary
    assert "団体名" in summary and "規約" in summary
