#!/usr/bin/env python3
"""Refresh the UI message catalogs from the sources: the core's and every plugin's.

For the core (mapping ``babel.cfg``, catalogs in ``kht/locale``) and for every plugin
folder with a ``locale/`` folder (``plugins/<pack>/``, or the folders given on the command
line; mapping ``scripts/plugin_babel.cfg``, catalogs in ``<folder>/locale``):

1. Extracts every ``_()`` / ``gettext()`` / ``N_()`` string into ``<locale>/messages.pot``
   -- no header, no source locations, sorted, so the file only changes when the strings do.
2. Updates (or creates) ``<locale>/<lang>/LC_MESSAGES/messages.po`` for every UI language;
   new strings arrive untranslated, vanished ones are dropped.
3. Prints the msgids added / removed and those still to be translated.

A plugin's catalogues hold all of its own strings (kht uses them after the core's, so a
plugin never depends on the core's wording). Start a plugin's catalogues by creating its
empty ``locale/`` folder. The .po files are compiled in memory when kht starts (no .mo).

Re-running without source changes leaves every file as it was.  Msgids are
English, so ``en`` needs no msgstr (gettext falls back to the msgid).

Usage:  python scripts/update_translations.py [PLUGIN_FOLDER ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "kht" / "locale"
POT = LOCALE_DIR / "messages.pot"
PLUGIN_MAPPING = ROOT / "scripts" / "plugin_babel.cfg"
LANGUAGES = ("zh_CN", "en")
SOURCE_LANGUAGE = "en"  # the msgids themselves


def pybabel(*args: str | Path) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *map(str, args)])


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(path: Path) -> set[str]:
    return {m.id for m in read_catalog(path) if m.id} if path.is_file() else set()


def plugin_folders() -> list[Path]:
    """Every plugin folder under plugins/ that keeps catalogues of its own."""
    return sorted(path.parent for path in (ROOT / "plugins").glob("*/locale") if path.is_dir())


def extract(sources: Path, mapping: Path, pot: Path) -> None:
    """Write the template (messages.pot) from the current sources."""
    pybabel(
        "extract",
        "--mapping-file",
        mapping,
        "--no-location",
        "--omit-header",
        "--sort-output",
        "--output-file",
        pot,
        sources,
    )


def update(pot: Path, locale_dir: Path, language: str) -> None:
    """Merge the template into `language`'s catalog, creating the catalog if missing."""
    pybabel(
        "update",
        "--init-missing",
        "--ignore-pot-creation-date",
        "--ignore-obsolete",
        "--input-file",
        pot,
        "--output-dir",
        locale_dir,
        "--locale",
        language,
    )


def refresh(sources: Path, mapping: Path, locale_dir: Path) -> None:
    """Extract `sources` into `locale_dir`'s template and update its catalogs."""
    pot = locale_dir / "messages.pot"
    before = msgids(pot)
    extract(sources, mapping, pot)
    after = msgids(pot)
    print(f"{pot.relative_to(ROOT)}: {len(after)} msgids")
    for msgid in sorted(after - before):
        print(f"  + {msgid}")
    for msgid in sorted(before - after):
        print(f"  - {msgid}")

    for language in LANGUAGES:
        po_file = locale_dir / language / "LC_MESSAGES" / "messages.po"
        old = po_file.read_bytes() if po_file.is_file() else None
        update(pot, locale_dir, language)
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


def main(folders: list[str]) -> None:
    if folders:
        plugins = [Path(folder).resolve() for folder in folders]
    else:
        refresh(ROOT, ROOT / "babel.cfg", LOCALE_DIR)
        plugins = plugin_folders()
    for folder in plugins:
        (folder / "locale").mkdir(exist_ok=True)
        refresh(folder, PLUGIN_MAPPING, folder / "locale")


if __name__ == "__main__":
    main(sys.argv[1:])
