"""Fill Japanese translations into a .po file from a Python dict literal file.

Usage: python tools/po_fill.py PO_FILE TRANSLATIONS_FILE
TRANSLATIONS_FILE holds a dict literal {"English msgid": "日本語", ...}; entries already
translated are overwritten, fuzzy flags are cleared. Prints the msgids still untranslated.
"""

import ast
import sys

import polib


def main(po_path: str, translations_path: str) -> int:
    with open(translations_path, encoding="utf-8") as fh:
        translations = ast.literal_eval(fh.read())
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(po_path)
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
