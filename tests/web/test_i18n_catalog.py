"""The UI message catalogs: complete for zh_CN, well-formed, and used by kht.web.i18n.

If a test here fails after adding UI text, refresh the catalogs and translate
the new zh_CN entries:  python scripts/update_translations.py
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from kht.web.i18n import LANGUAGES, LOCALE_DIR, translations

ROOT = Path(__file__).resolve().parents[2]
NOT_TRANSLATED = {"API", ", "}  # the same word in Chinese; a list separator (、)
REFRESH = "run `python scripts/update_translations.py` and translate the new zh_CN entries"


PLUGIN_MAPPING = ROOT / "scripts" / "plugin_babel.cfg"
# Every pack folder: a pack with UI text must bring its own catalogues.
PACK_DIRS = sorted(path.parent for path in (ROOT / "plugins").glob("*/plugin.py"))


def extracted_msgids(
    sources: Path = ROOT, mapping: Path = ROOT / "babel.cfg"
) -> set[tuple[str, str | None]]:
    """(msgid, context) of every translatable string in `sources`, per `mapping` (the
    core's sources per babel.cfg by default)."""
    with mapping.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(mapping))
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        sources, method_map, options_map
    ):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.add((msgid, context))
    return found


def load_catalog(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    with (locale_dir / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


def plural_forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_sources_contain_translatable_strings():
    assert ("Customers", None) in extracted_msgids()


def test_every_msgid_in_the_sources_has_a_non_fuzzy_zh_CN_translation():
    catalog = load_catalog("zh_CN")
    missing = []
    for msgid, context in sorted(extracted_msgids(), key=lambda item: (item[0], item[1] or "")):
        entry = catalog.get(msgid, context)
        if entry is None or entry.fuzzy or not all(plural_forms(entry.string)):
            missing.append(msgid)
    assert not missing, f"untranslated or fuzzy in zh_CN ({REFRESH}): {missing}"


def catalogues() -> list[Path]:
    """Every catalogue shipped: the core's and any a pack (or plugin) brings of its own."""
    found = sorted((ROOT / "kht").glob("**/locale/*/LC_MESSAGES/*.po"))
    return found + sorted((ROOT / "plugins").glob("**/locale/*/LC_MESSAGES/*.po"))


def test_the_core_catalogues_are_found():
    assert {path.parent.parent.name for path in catalogues()} >= set(LANGUAGES)


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_catalogue_has_a_fuzzy_or_untranslated_entry(path):
    """A fuzzy entry is a guess `pybabel update` made (it is not shown, and may be wrong); a
    Chinese entry must be translated, and into Chinese (not the English copied over)."""
    language = path.parent.parent.name
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, abort_invalid=True)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {path.name} ({language}): {fuzzy}"
    if language.startswith("zh"):
        english = [
            m.id
            for m in catalog
            if m.id
            and not any(re.search(r"[\u4e00-\u9fff]", s) for s in plural_forms(m.string))
            and m.id not in NOT_TRANSLATED
        ]
        assert not english, f"untranslated in {path.name} ({language}): {english}"


def test_every_msgid_in_the_sources_is_in_the_english_catalogue():
    catalog = load_catalog("en")
    missing = sorted(m for m, context in extracted_msgids() if catalog.get(m, context) is None)
    assert not missing, f"missing from en ({REFRESH}): {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_parses_without_errors_and_placeholders_match(language):
    catalog = load_catalog(language)
    assert len(catalog) > 0
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in catalog.check()
    ]
    assert not problems


@pytest.mark.parametrize("pack", PACK_DIRS, ids=lambda path: path.name)
def test_every_msgid_of_a_pack_is_translated_in_its_own_catalogues(pack):
    msgids = extracted_msgids(pack, PLUGIN_MAPPING)
    if not msgids:
        return  # a pack without UI text needs no catalogues
    assert (pack / "locale").is_dir(), f"{pack.name} has UI text but no locale/ ({REFRESH})"
    for language in LANGUAGES:
        catalog = load_catalog(language, pack / "locale")
        missing = sorted(
            msgid
            for msgid, context in msgids
            if (entry := catalog.get(msgid, context)) is None
            or entry.fuzzy
            or (language == "zh_CN" and not all(plural_forms(entry.string)))
        )
        assert not missing, f"{pack.name}: missing in {language} ({REFRESH}): {missing}"


def test_the_standard_product_pack_keeps_its_strings_out_of_the_core_catalogue():
    core = load_catalog("zh_CN")
    assert core.get("Lead scoring setup") is None and core.get("Rep performance") is None
    pack = load_catalog("zh_CN", ROOT / "plugins" / "standard_product" / "locale")
    assert pack.get("Rep performance").string == "销售业绩"


def test_a_plugins_catalogue_is_used_after_the_cores(tmp_path, monkeypatch):
    from babel.messages.pofile import write_po

    from kht.web import i18n

    monkeypatch.setattr(i18n, "_PLUGIN_DIRS", list(i18n._PLUGIN_DIRS))  # forgotten after

    catalog = Catalog(locale="zh_CN")
    catalog.add("Visits of the week", "本周拜访")
    catalog.add("Customers", "顾客")  # a plugin cannot change the core's wording
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_CN" / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    i18n.add_catalogues(tmp_path)
    try:
        assert translations("zh_CN").gettext("Visits of the week") == "本周拜访"
        assert translations("zh_CN").gettext("Customers") == "客户"
        assert translations("en").gettext("Visits of the week") == "Visits of the week"
    finally:
        translations.cache_clear()


def test_zh_CN_translates_customers_to_chinese():
    assert translations("zh_CN").gettext("Customers") == "客户"


def test_en_shows_customers_in_english():
    assert translations("en").gettext("Customers") == "Customers"
