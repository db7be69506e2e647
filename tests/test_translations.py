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
    compiled = {entry.msgid: entry.msgstr for entry in mo if not entry.msgid_plural}
    source = {entry.msgid: entry.msgstr for entry in po if not entry.msgid_plural}
    assert compiled == source


def test_placeholders_survive_translation() -> None:
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        for placeholder in ("%(name)s", "%(item)s", "%(count)s", "%(limit)s", "%(id)s"):
            if placeholder in entry.msgid:
                assert placeholder in entry.msgstr, entry.msgid
