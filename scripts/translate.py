"""Fill the zh_Hans catalogue from a mapping file and compile it.

Usage: python scripts/translate.py MAPPING.py — MAPPING.py defines ZH (msgid → msgstr) and
PLURALS (msgid → [msgstr[0]]). Only empty or fuzzy entries are filled; the .po file stays the
source of truth, so translators can also edit it directly and run ``make messages``.
"""

import runpy
import sys
from pathlib import Path

import polib

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "src/guanxi/locale/zh_Hans/LC_MESSAGES/django.po"
)


def main(mapping_file: str) -> int:
    mapping = runpy.run_path(mapping_file)
    singular, plural = mapping.get("ZH", {}), mapping.get("PLURALS", {})
    po = polib.pofile(str(CATALOGUE))
    missing = []
    for entry in po:
        translated = entry.msgstr or any(entry.msgstr_plural.values())
        if translated and "fuzzy" not in entry.flags:
            continue
        if entry.msgid_plural:
            if entry.msgid in plural:
                entry.msgstr_plural = dict(enumerate(plural[entry.msgid]))
            else:
                missing.append(entry.msgid)
        elif entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        else:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.save()
    po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
