"""Japanese first: every catalogue is complete, and what the portal shows is Japanese."""

import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/ja/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
# What makemessages reads for the "django" domain, and the catalogues it merges into.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po"}
NEVER_COPIED = {".venv", ".git", "node_modules", "staticfiles"}
MAKEMESSAGES_IGNORES = [".venv", "node_modules", "tests", "bench"]


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _show(key: tuple[str | None, str]) -> str:
    context, msgid = key
    return f"{msgid!r} (context {context!r})" if context else repr(msgid)


def _owner(path: Path, root: Path = ROOT) -> str:
    """The app that owns a catalogue ("locale" for the layout's)."""
    return path.relative_to(root).parts[0]


def test_there_are_catalogues_for_the_project_and_each_app():
    owners = {_owner(p) for p in CATALOGUES}
    assert {"locale", "core", "accounts", "groups"} <= owners


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_missing_or_fuzzy_translation(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert missing == [], f"untranslated in {path.relative_to(ROOT)}: {missing}"


def _source_files() -> list[Path]:
    """Tracked files and untracked ones git does not ignore (what a commit would hold)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [Path(p) for p in listed.split("\0") if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        paths = []
        for folder, subfolders, files in os.walk(ROOT):
            subfolders[:] = [d for d in subfolders if d not in NEVER_COPIED]
            paths += [(Path(folder) / f).relative_to(ROOT) for f in files]
    return [
        p
        for p in paths
        if p.suffix in SOURCE_SUFFIXES
        and not NEVER_COPIED & set(p.parts)
        and (ROOT / p).is_file()  # a tracked file deleted in the working tree
    ]


def test_every_marked_string_has_japanese(tmp_path):
    """makemessages, run on a copy of the source, finds no string that no catalogue translates.

    Django merges every catalogue into one, so a string marked in one app may take its Japanese
    from another's catalogue; what counts is that some committed catalogue translates it.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed: cannot run makemessages")
    for relative in _source_files():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, target)
    command = [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-obsolete", "-v0"]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kyodo_office.settings"}
    subprocess.run(command, cwd=tmp_path, env=env, check=True, timeout=120)

    generated = {}
    for path in tmp_path.glob("**/locale/ja/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                generated.setdefault(_key(entry), _owner(path, tmp_path))
    translated = {_key(e) for path in CATALOGUES for e in polib.pofile(str(path)) if e.translated()}
    missing = sorted(
        f"{owner}: {_show(key)}" for key, owner in generated.items() if key not in translated
    )
    assert missing == [], "marked for translation but no catalogue has Japanese for:\n" + "\n".join(
        missing
    )


def test_one_string_one_japanese_across_catalogues():
    """Django shows ONE catalogue's Japanese for a (context, msgid): they must all agree.

    When two apps mean different things by the same English, give one of them a context
    (pgettext_lazy / {% translate "…" context "…" %}) instead of a second translation.
    """
    seen = collections.defaultdict(dict)
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.translated():
                continue
            japanese = entry.msgstr or " | ".join(
                entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)
            )
            seen[_key(entry)][_owner(path)] = japanese
    conflicts = sorted(
        f"{_show(key)}: " + ", ".join(f"{app} {ja!r}" for app, ja in sorted(by_app.items()))
        for key, by_app in seen.items()
        if len(set(by_app.values())) > 1
    )
    assert conflicts == [], "translated differently in two catalogues:\n" + "\n".join(conflicts)


def test_what_the_portal_shows_is_what_our_catalogues_say():
    """No catalogue merged ahead of ours (Django's admin and auth, allauth) replaces our Japanese.

    Those come first in INSTALLED_APPS, so their "Save", "group" or "name" would win; use the
    same wording, or give our string a context.
    """
    shown_differently = []
    with translation.override("ja"):
        for path in CATALOGUES:
            for e in polib.pofile(str(path)):
                if e.obsolete or not e.translated():
                    continue
                if e.msgid_plural:
                    want = e.msgstr_plural[0]
                    shown = (
                        translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                        if e.msgctxt
                        else translation.ngettext(e.msgid, e.msgid_plural, 1)
                    )
                else:
                    want = e.msgstr
                    shown = (
                        translation.pgettext(e.msgctxt, e.msgid)
                        if e.msgctxt
                        else translation.gettext(e.msgid)
                    )
                if shown != want:
                    shown_differently.append(
                        f"{_owner(path)}: {_show(_key(e))} says {want!r}, Django shows {shown!r}"
                    )
    assert shown_differently == [], "\n".join(shown_differently)


def _label(model_label: str, field: str) -> str:
    from django.apps import apps

    return str(apps.get_model(model_label)._meta.get_field(field).verbose_name)


@pytest.mark.parametrize(
    ("model_label", "field", "japanese"),
    [
        ("bulletin.BulletinPost", "category", "分類"),
        ("groups.Consultation", "category", "相談内容の分類"),
        ("groups.Consultation", "summary", "内容"),
        ("news.ProgrammeEpisode", "summary", "概要"),
        ("newsletter.NewsletterIssue", "summary", "概要"),
        ("events.Event", "description", "内容"),
        ("groups.Group", "description", "活動内容"),
        ("newsletter.Bounce", "description", "説明"),
        ("facilities.Room", "name", "名称"),
        ("accounts.User", "full_name", "氏名"),
        ("news.Opinion", "name", "氏名"),
        ("events.Registration", "confirmed_at", "確定日時"),
        ("groups.GroupRenewal", "confirmed_at", "確認日時"),
        ("groups.ActivityRecord", "body", "活動の報告"),
        ("newsletter.Delivery", "sent_at", "送信日時"),
    ],
)
def test_each_app_shows_its_own_meaning_of_a_shared_word(model_label, field, japanese):
    with translation.override("ja"):
        assert _label(model_label, field) == japanese


def test_words_that_other_apps_used_to_overwrite():
    from bulletin.models import PostReport
    from facilities.admin import WhenFilter
    from news.models import Opinion
    from newsletter.admin import NewsletterIssueAdmin
    from reports.kpis.definitions import KPIS

    with translation.override("ja"):
        assert str(PostReport._meta.verbose_name) == "通報"
        assert str(Opinion.Status.NEW.label) == "未読"
        assert str(Opinion.Status.CLOSED.label) == "対応終了"
        assert str(NewsletterIssueAdmin.sent.short_description) == "送信済み"
        assert str(WhenFilter.title) == "時期"
        kpis = {k.key: str(k.label) for k in KPIS}
        assert kpis["bulletin_posts"] == "情報掲示板の掲載件数"


@pytest.mark.django_db
def test_staff_pages_show_each_apps_own_words(client_for):
    from django.urls import reverse

    from news.models import Opinion
    from newsletter.models import Delivery
    from tests.news.factories import OpinionFactory
    from tests.newsletter.factories import IssueFactory, SubscriberFactory

    OpinionFactory(status=Opinion.Status.NEW)
    OpinionFactory(status=Opinion.Status.CLOSED)
    issue = IssueFactory()
    Delivery.objects.create(
        issue=issue, subscriber=SubscriberFactory(), status=Delivery.Status.SENT
    )
    staff = client_for("staff")

    opinions = staff.get(reverse("admin:news_opinion_changelist")).content.decode()
    assert "未読" in opinions and "対応終了" in opinions
    progress = staff.get(reverse("admin:newsletter_newsletterissue_change", args=[issue.pk]))
    assert '<th scope="col">送信済み</th>' in progress.content.decode()


def test_a_moment_in_japanese_keeps_its_day_and_time_apart():
    import datetime as dt

    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("ja"):
        assert date_format(dt.datetime(2027, 1, 10, 9, 30), "DATETIME_FORMAT") == (
            "2027年1月10日 9:30"
        )
        assert date_format(dt.date(2027, 1, 10), "DATE_FORMAT") == "2027年1月10日"
