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
NOT_TRANSLATED = {"API"}  # the same word in Chinese
REFRESH = "run `python scripts/update_translations.py` and translate the new zh_CN entries"


def extracted_msgids() -> set[tuple[str, str | None]]:
    """(msgid, context) of every translatable string in the sources, per babel.cfg."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.add((msgid, context))
    return found


def load_catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
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


def test_zh_CN_translates_customers_to_chinese():
    assert translations("zh_CN").gettext("Customers") == "客户"


def test_en_shows_customers_in_english():
    assert translations("en").gettext("Customers") == "Customers"
