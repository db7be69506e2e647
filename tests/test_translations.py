from pathlib import Path

import polib

import guanxi

CATALOGUE = Path(guanxi.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_string_has_a_chinese_translation() -> None:
    po = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_current() -> None:
    po = polib.pofile(str(CATALOGUE))
    mo = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    # Keyed with the context too: one msgid may read differently in two places.
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if not e.msgid_plural}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.msgid_plural}
    assert compiled == source


def test_placeholders_survive_translation() -> None:
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        for placeholder in ("%(name)s", "%(item)s", "%(count)s", "%(limit)s", "%(id)s"):
            if placeholder in entry.msgid:
                translations = list(entry.msgstr_plural.values()) or [entry.msgstr]
                assert all(placeholder in text for text in translations), entry.msgid
