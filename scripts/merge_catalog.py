#!/usr/bin/env python3
"""A git merge driver for the message catalogues (*.po, *.pot): merges entry by entry.

Git's line-based merge (and `merge=union`) splits catalogue entries when two branches add
strings next to each other, leaving a msgid without its msgstr. This driver reads the three
versions with Babel and writes the merged catalogue, sorted like
`scripts/update_translations.py` writes it: entries added on either side are kept, entries
removed on one side (and unchanged on the other) are dropped, and a translation filled in on
one side wins over an empty or fuzzy one. A file Babel cannot read is left to git as a
conflict (exit 1).

Set it up once per clone (the attributes are committed, the driver is local git config):
    git config merge.catalog.driver "python scripts/merge_catalog.py %O %A %B"
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po


def _read(path: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, abort_invalid=True)


def _translated(message) -> bool:
    return bool(message.string) and not message.fuzzy


def merge(base: Catalog, ours: Catalog, theirs: Catalog) -> Catalog:
    """`ours` with what `theirs` added, removed or translated since `base`."""
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            if base.get(message.id, message.context) is None:  # added by them
                ours[message.id] = message
        elif _translated(message) and not _translated(mine):
            mine.string, mine.flags = message.string, message.flags
    for message in list(ours):
        if not message.id:
            continue
        if (
            theirs.get(message.id, message.context) is None
            and base.get(message.id, message.context) is not None
        ):
            ours.delete(message.id, message.context)  # removed by them
    return ours


def main(base_path: str, ours_path: str, theirs_path: str) -> int:
    try:
        base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    except (PoFileError, OSError, ValueError):
        return 1
    merged = merge(base, ours, theirs)
    header = Path(ours_path).read_text("utf-8").startswith(("#", 'msgid ""'))
    out = io.BytesIO()
    write_po(
        out,
        merged,
        omit_header=not header,
        sort_output=True,
        no_location=True,
        ignore_obsolete=True,
    )
    Path(ours_path).write_bytes(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
