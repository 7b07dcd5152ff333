#!/usr/bin/env python3
"""Refresh the UI message catalogs from the sources.

1. Extracts every ``_()`` / ``gettext()`` string (mapping: ``babel.cfg``) into
   ``kht/locale/messages.pot`` -- no header, no source locations, sorted, so the
   file only changes when the strings do.
2. Updates (or creates) ``kht/locale/<lang>/LC_MESSAGES/messages.po`` for every
   UI language; new strings arrive untranslated, vanished ones are dropped.
3. Prints the msgids added / removed and those still to be translated.

Re-running without source changes leaves every file as it was.  Msgids are
English, so ``en`` needs no msgstr (gettext falls back to the msgid).

Usage:  /work/venv/bin/python scripts/update_translations.py
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "kht" / "locale"
POT = LOCALE_DIR / "messages.pot"
LANGUAGES = ("zh_CN", "en")
SOURCE_LANGUAGE = "en"  # the msgids themselves


def pybabel(*args: str | Path) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *map(str, args)])


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(path: Path) -> set[str]:
    return {m.id for m in read_catalog(path) if m.id} if path.is_file() else set()


def extract() -> None:
    """Write the template (messages.pot) from the current sources."""
    pybabel(
        "extract",
        "--mapping-file",
        ROOT / "babel.cfg",
        "--no-location",
        "--omit-header",
        "--sort-output",
        "--output-file",
        POT,
        ROOT,
    )


def update(language: str) -> None:
    """Merge the template into `language`'s catalog, creating the catalog if missing."""
    pybabel(
        "update",
        "--init-missing",
        "--ignore-pot-creation-date",
        "--ignore-obsolete",
        "--input-file",
        POT,
        "--output-dir",
        LOCALE_DIR,
        "--locale",
        language,
    )


def main() -> None:
    before = msgids(POT)
    extract()
    after = msgids(POT)
    print(f"{POT.relative_to(ROOT)}: {len(after)} msgids")
    for msgid in sorted(after - before):
        print(f"  + {msgid}")
    for msgid in sorted(before - after):
        print(f"  - {msgid}")

    for language in LANGUAGES:
        po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
        old = po_file.read_bytes() if po_file.is_file() else None
        update(language)
        state = (
            "created"
            if old is None
            else ("unchanged" if po_file.read_bytes() == old else "updated")
        )
        print(f"{po_file.relative_to(ROOT)}: {state}")
        if language == SOURCE_LANGUAGE:
            continue
        todo = [m.id for m in read_catalog(po_file) if m.id and (m.fuzzy or not m.string)]
        for msgid in todo:
            print(f"  to translate: {msgid}")


if __name__ == "__main__":
    main()
