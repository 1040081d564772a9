"""Japanese first: every catalogue is complete, and what the portal shows is Japanese."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/ja/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_there_are_catalogues_for_the_project_and_each_app():
    owners = {p.parts[len(ROOT.parts)] for p in CATALOGUES}
    assert {"locale", "core", "accounts", "groups"} <= owners


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_missing_or_fuzzy_translation(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert missing == [], f"untranslated in {path.relative_to(ROOT)}: {missing}"
